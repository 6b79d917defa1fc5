// A dataset loaded with a progress bar on the terminal: an image folder's first load reads every
// image's size, then decodes them all, which takes a while for a large folder.
import { SingleBar } from 'cli-progress';
import { loadDataset, type Dataset } from '../engine/data/datasets';

/**
 * `loadDataset(ref)` with a progress bar on stderr while an image folder is read (none when stderr
 * is not a terminal, or when `quiet`). Throws loadDataset's UserErrors.
 */
export async function loadDatasetWithProgress(ref: string, quiet = false): Promise<Dataset> {
  const bar = quiet || !process.stderr.isTTY ? null : new SingleBar({ format: '{stage} |{bar}| {value}/{total} images  ETA {eta_formatted}', hideCursor: true, etaBuffer: 200 });
  let stage = '';
  try {
    return await loadDataset(ref, (now, done, total) => {
      if (!bar) return;
      if (now !== stage) {
        if (stage) bar.stop();
        bar.start(total, done, { stage: now });
        stage = now;
      } else bar.update(done);
    });
  } finally {
    if (stage) bar?.stop();
  }
}
