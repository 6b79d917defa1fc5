// The engine as the window sees it: connection state, the backend in use and why, and whether
// its process died. Each time a connection opens (first load, reconnect, restart) the catalogue
// and the library are fetched afresh.
import { catalog } from './catalog.svelte';
import { engine, type ConnectionStatus } from './engine';
import { library } from './library.svelte';
import { errorText, notify } from './notices.svelte';

class Session {
  status = $state.raw<ConnectionStatus>(engine.current);
  info = $derived(this.status.info);
  /** Why the engine process stopped, while it waits for a restart. */
  exited = $derived(this.status.state === 'engine-exited' ? this.status.exit : null);
  restarting = $state(false);
  restartError = $state<string | null>(null);

  constructor() {
    engine.subscribe((status) => {
      const opened = status.state === 'open' && this.status.state !== 'open';
      this.status = status;
      if (opened) void Promise.all([catalog.load(), library.refresh()]);
    });
    // Warnings (a model folder that cannot be read, a fallback taken) are worth a glance.
    engine.on('engine.log', ({ level, message }) => {
      if (level !== 'info') notify(message, level === 'error' ? 'error' : 'info');
    });
  }

  async restart(): Promise<void> {
    this.restarting = true;
    this.restartError = null;
    try {
      await engine.restart();
    } catch (error) {
      this.restartError = errorText(error);
    } finally {
      this.restarting = false;
    }
  }
}

export const session = new Session();
