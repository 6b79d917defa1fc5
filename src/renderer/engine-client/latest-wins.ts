// "Latest wins": a request loop for gestures (dragging a probe, zooming). At most one request is
// in flight; values pushed meanwhile replace one another, and when the request returns only the
// newest waiting value is sent. A stale position is never queued, so the answer shown lags the
// pointer by at most one round trip however fast the pointer moves.

export class LatestWins<T, R> {
  private waiting: { value: T } | null = null;
  private busy = false;
  /** Bumped by `drop`: answers to requests sent before it are ignored. */
  private generation = 0;

  constructor(
    private readonly work: (value: T) => Promise<R>,
    private readonly onResult: (result: R, value: T) => void,
    private readonly onError: (error: unknown, value: T) => void = (error) => console.error(error)
  ) {}

  /** Asks for `value`: sent now when idle, else kept as the one value to send next. */
  push(value: T): void {
    if (this.busy) this.waiting = { value };
    else void this.run(value);
  }

  /** Forgets the waiting value and the answer of the request in flight (e.g. another model opened). */
  drop(): void {
    this.waiting = null;
    this.generation += 1;
  }

  get inFlight(): boolean {
    return this.busy;
  }

  private async run(value: T): Promise<void> {
    this.busy = true;
    const generation = this.generation;
    try {
      const result = await this.work(value);
      if (generation === this.generation) this.onResult(result, value);
    } catch (error) {
      if (generation === this.generation) this.onError(error, value);
    } finally {
      this.busy = false;
      const next = this.waiting;
      this.waiting = null;
      if (next) void this.run(next.value);
    }
  }
}
