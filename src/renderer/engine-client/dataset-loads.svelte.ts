// Image folders the engine is loading for the first time (reading every image's size, then
// decoding), from its data.progress events, so the window shows how far each load is and can stop
// it; a load that ends leaves the list, a cancelled one says so in a notice.
import type { DatasetProgress } from '../../shared/contract';
import { engine } from './engine';
import { errorText, notify } from './notices.svelte';

class DatasetLoads {
  /** Loads under way, by the reference the engine names them by, in the order they started. */
  running = $state.raw<DatasetProgress[]>([]);

  constructor() {
    engine.on('data.progress', (progress) => {
      const at = this.running.findIndex((p) => p.dataset === progress.dataset);
      this.running = at < 0 ? [...this.running, progress] : this.running.with(at, progress);
    });
    engine.on('data.end', ({ dataset, status, message }) => {
      this.running = this.running.filter((p) => p.dataset !== dataset);
      if (status === 'cancelled') notify(message);
    });
    // An engine that stopped loads nothing any more.
    engine.on('engine.exited', () => (this.running = []));
  }

  /** Asks the engine to stop loading `dataset`; the requests waiting for it fail with one line. */
  async cancel(dataset: string): Promise<void> {
    try {
      await engine.call('data.cancel', { dataset });
    } catch (error) {
      notify(errorText(error), 'error');
    }
  }
}

export const datasetLoads = new DatasetLoads();
