import { isToolCall, type ResponseItem } from "../model/items.js";

/**
 * Decides which streamed items of one sampling request (all its attempts) are new.
 *
 * The rule, Codex's: an item the server completed (`output_item.done`) is final when it arrives.
 * It is recorded and shown at once, its call starts at once, and it stays in history when the
 * attempt later fails, so the retried request carries it (and its call's output) and the model
 * goes on from there. Whatever a stream or a retried attempt sends again is a repeat:
 * - a call whose `call_id` history already holds is neither run nor recorded again: a tool must
 *   not act twice, and the API refuses a request that carries two calls with one id;
 * - any other item identical to one this request already recorded (the same answer from a
 *   retried attempt, an `output_item.done` sent twice) is neither recorded nor shown again.
 * So every item the user is shown is in history exactly once, and nothing else is.
 */
export class RepeatFilter {
  readonly #callIds = new Set<string>();
  readonly #items = new Set<string>();
  readonly #warn: (message: string) => void;

  constructor(history: readonly ResponseItem[], warn: (message: string) => void) {
    for (const item of history) if (isToolCall(item) && item.call_id !== "") this.#callIds.add(item.call_id);
    this.#warn = warn;
  }

  /** True when `item` is new (record it, act on it); false for a repeat, which is dropped. */
  admit(item: ResponseItem): boolean {
    if (isToolCall(item) && item.call_id !== "") {
      if (!this.#callIds.has(item.call_id)) {
        this.#callIds.add(item.call_id);
        return true;
      }
      this.#warn(
        `the model sent call ${item.call_id} (${item.name}) again; it was already recorded, so it did not run twice`,
      );
      return false;
    }
    // A call without an id cannot be told apart from another one, except by being identical.
    const key = JSON.stringify(item);
    if (this.#items.has(key)) return false;
    this.#items.add(key);
    return true;
  }
}
