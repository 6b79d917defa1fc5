// Dataset loads as the app sees them: every request that needs a dataset goes through here, so an
// own image folder's first load (which decodes every image, seconds to minutes) reports its
// progress as data.progress events, ends with data.end, and can be cancelled; loaded datasets
// (and the bundled ones) answer at once without any event.
import type { LoadProgress } from '../engine/data/image-folder';
import { cancelDatasetLoad, describeDataset, isBundledDataset, loadDataset, loadModelDataset, type Dataset } from '../engine/data/datasets';
import type { DatasetInfo } from '../../shared/contract';
import type { EventListener } from '../../shared/rpc';
import { UserError } from '../engine/errors';

/** Fewest milliseconds between two progress events of one load (the last of each stage always goes). */
const PROGRESS_EVERY_MS = 100;

export class DatasetLoads {
  /** References whose load under way already reports to the renderer (one listener per load). */
  private readonly reporting = new Set<string>();
  /** References the user cancelled, so that their end is told as such. */
  private readonly cancelled = new Set<string>();

  constructor(private readonly emit: EventListener) {}

  /** loadDataset(ref), reporting a first load of an image folder. */
  load(ref: string): Promise<Dataset> {
    return this.reported(ref, (progress) => loadDataset(ref, progress));
  }

  /** describeDataset(ref), reporting a first load of an image folder. */
  describe(ref: string): Promise<DatasetInfo> {
    return this.reported(ref, (progress) => describeDataset(ref, progress));
  }

  /** loadModelDataset(trained), reporting under the reference the model names. */
  forModel(trained: { ref: string; sha256?: string }): Promise<Dataset> {
    return this.reported(trained.ref, (progress) => loadModelDataset(trained, undefined, progress));
  }

  /** Stops the first load of `ref` under way; false when none is. */
  cancel(ref: string): boolean {
    const stopped = cancelDatasetLoad(ref);
    if (stopped) this.cancelled.add(ref);
    return stopped;
  }

  private reported<T>(ref: string, run: (progress?: LoadProgress) => Promise<T>): Promise<T> {
    if (isBundledDataset(ref) || this.reporting.has(ref)) return run();
    this.reporting.add(ref);
    let heard = false;
    let last = 0;
    const progress: LoadProgress = (stage, done, total, skipped) => {
      const now = Date.now();
      if (heard && done < total && now - last < PROGRESS_EVERY_MS) return;
      heard = true;
      last = now;
      this.emit('data.progress', { dataset: ref, stage, done, total, skipped });
    };
    const answer = run(progress);
    const end = (status: 'done' | 'cancelled' | 'failed', message: string) => {
      this.reporting.delete(ref);
      const wasCancelled = this.cancelled.delete(ref);
      // Only a load the renderer saw start is told to end (a loaded dataset sends nothing).
      if (heard) this.emit('data.end', { dataset: ref, status: wasCancelled && status === 'failed' ? 'cancelled' : status, message });
    };
    answer.then(
      () => end('done', `${ref} loaded`),
      (error: unknown) => end('failed', error instanceof UserError ? error.message : `loading ${ref} failed: ${(error as Error).message}`)
    );
    return answer;
  }
}
