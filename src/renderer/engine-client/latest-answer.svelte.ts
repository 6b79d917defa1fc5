// The engine's answer to an input that changes while the user drags (a slider, a brush, a zoom),
// as state for a view: `LatestWins` underneath, the latest answer with the request it answers,
// the error of the latest failure, and `pending` while an answer is due.
import { LatestWins } from './latest-wins';
import { errorText } from './notices.svelte';

export class LatestAnswer<T, R> {
  /** The latest answer with the request it answers, so inputs shown beside it match what was sent. */
  answer = $state.raw<{ result: R; ask: T } | null>(null);
  error = $state<string | null>(null);
  /** Serial numbers of the newest request asked and answered: different while an answer is due. */
  private asked = $state(0);
  private answered = $state(0);
  private serial = 0;
  /** Bumped when another model's answers start: a partial answer of the old one is not shown. */
  private generation = 0;
  private model: string | null = null;
  private readonly requests: LatestWins<{ ask: T; serial: number }, R>;

  /**
   * `work` answers one request; one asked in parts (in-parts.ts) hands each partial answer to
   * `partial`, which shows it and returns false once a newer request (or another model) made it
   * stale, so that the parts still to ask are not asked.
   */
  constructor(work: (ask: T, partial: (result: R) => boolean) => Promise<R>) {
    this.requests = new LatestWins(
      ({ ask, serial }) => {
        const generation = this.generation;
        return work(ask, (result) => {
          if (serial !== this.serial || generation !== this.generation) return false;
          this.answer = { result, ask };
          this.error = null;
          return true;
        });
      },
      (result, { ask, serial }) => {
        this.answer = { result, ask };
        this.error = null;
        this.answered = serial;
      },
      (e, { serial }) => {
        this.error = errorText(e);
        this.answered = serial;
      }
    );
  }

  get pending(): boolean {
    return this.asked !== this.answered;
  }

  push(ask: T): void {
    this.asked = ++this.serial;
    this.requests.push({ ask, serial: this.serial });
  }

  /** Starts afresh when `id` is another model than the last one's: what the old one still has to say is no longer wanted. */
  forModel(id: string): void {
    if (id === this.model) return;
    this.requests.drop();
    this.generation += 1;
    this.answer = null;
    this.model = id;
  }
}
