// Pause, resume and cancel for a training run. The trainer awaits `checkpoint()` between batches,
// which also yields to the event loop so that control messages are heard while it trains.

export class RunControl {
  private pausedResolve: (() => void) | null = null;
  private pausedPromise: Promise<void> | null = null;
  cancelled = false;

  get paused(): boolean {
    return this.pausedPromise !== null;
  }

  pause(): boolean {
    if (!this.pausedPromise && !this.cancelled) this.pausedPromise = new Promise((resolve) => (this.pausedResolve = resolve));
    return this.paused;
  }

  resume(): boolean {
    this.pausedResolve?.();
    this.pausedPromise = null;
    this.pausedResolve = null;
    return this.paused;
  }

  cancel(): void {
    this.cancelled = true;
    this.resume();
  }

  /** Resolves when the run may go on; true if it was cancelled meanwhile. */
  async checkpoint(): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.pausedPromise) await this.pausedPromise;
    return this.cancelled;
  }
}
