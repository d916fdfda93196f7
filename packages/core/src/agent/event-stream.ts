import { Channel } from "./channel.js";
import { type AgentEvent, REPLAYED_EVENT_TYPES, type SessionEvent } from "./events.js";

/**
 * Delivers a session's events to whoever runs the current task (a turn, a compaction): puts the
 * envelope on each (seq, ts, turnId), persists the ones a face needs to replay, and runs one task
 * at a time (history is append-only and two writers would interleave).
 */
export class EventStream {
  #seq: number;
  readonly #now: () => number;
  readonly #persist: (event: SessionEvent) => void;
  #deliver: ((event: SessionEvent) => void) | null = null;
  #turnId: string | null = null;
  #abort: AbortController | null = null;
  #storageError: Error | null = null;

  constructor(args: { firstSeq: number; now: () => number; persist: (event: SessionEvent) => void }) {
    this.#seq = args.firstSeq;
    this.#now = args.now;
    this.#persist = args.persist;
  }

  get busy(): boolean {
    return this.#abort !== null;
  }

  get nextSeq(): number {
    return this.#seq;
  }

  /** The failure that stopped events being persisted, if any. */
  get storageError(): Error | null {
    return this.#storageError;
  }

  /** Emits to the running task's consumer; between tasks nobody listens and nothing is kept. */
  emit(event: AgentEvent): void {
    const deliver = this.#deliver;
    if (!deliver) return;
    const enveloped = {
      ...event,
      seq: this.#seq++,
      ts: new Date(this.#now()).toISOString(),
      turnId: this.#turnId,
    } as SessionEvent;
    if (REPLAYED_EVENT_TYPES.has(event.type) && !this.#storageError) {
      try {
        this.#persist(enveloped);
      } catch (err) {
        // The face still gets the event; the task stops, since nothing more can be recorded.
        this.#storageError = err instanceof Error ? err : new Error(String(err));
        this.#abort?.abort(this.#storageError);
      }
    }
    deliver(enveloped);
  }

  /** Aborts the running task (its tools and requests see the signal). */
  abortTurn(reason: Error): void {
    this.#abort?.abort(reason);
  }

  /**
   * Runs `task` with its events delivered to the returned generator. A consumer that stops
   * iterating aborts the task, and the generator only finishes once the task has.
   */
  async *run(
    signal: AbortSignal,
    turnId: string | null,
    task: (signal: AbortSignal, turnId: string) => Promise<void>,
  ): AsyncGenerator<SessionEvent> {
    if (this.#abort) throw new Error("a turn is already running in this session");
    const inner = new AbortController();
    this.#abort = inner;
    const channel = new Channel<SessionEvent>();
    const forward = () => inner.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener("abort", forward, { once: true });
    this.#turnId = turnId;
    this.#deliver = (event) => channel.push(event);
    const running = task(inner.signal, turnId ?? "").finally(() => {
      this.#deliver = null;
      this.#turnId = null;
      channel.close();
    });
    running.catch(() => {}); // handled below; this only stops an early rejection being "unhandled"
    try {
      yield* channel;
      await running;
    } finally {
      // Reached early only when the consumer stopped listening: stop the work, then wait for it.
      inner.abort(new Error("the consumer stopped listening"));
      await running.catch(() => {});
      signal.removeEventListener("abort", forward);
      this.#abort = null;
    }
  }
}
