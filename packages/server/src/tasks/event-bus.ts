import type { TaskEventRow, TaskStatus } from "../storage/types.js";

export type BusMessage = { kind: "event"; event: TaskEventRow } | { kind: "end"; status: TaskStatus };
type Listener = (message: BusMessage) => void;

/** Live task events inside this process, for event streams: published after they are stored. */
export class TaskEventBus {
  readonly #listeners = new Map<string, Set<Listener>>();

  subscribe(taskId: string, listener: Listener): () => void {
    let set = this.#listeners.get(taskId);
    if (!set) {
      set = new Set();
      this.#listeners.set(taskId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(taskId) === set) this.#listeners.delete(taskId);
    };
  }

  publish(taskId: string, message: BusMessage): void {
    for (const listener of this.#listeners.get(taskId) ?? []) listener(message);
  }

  /** How many streams listen (for tests of bounded resources). */
  get listeners(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
}
