import type { UserInputRequest, UserInputResponse } from "@nightshift/core";

type Pending = { request: UserInputRequest; settle: (response: UserInputResponse) => void };

/**
 * The model's questions (request_user_input) waiting for the person, oldest first: the interface
 * shows the first one where the prompt is. A question whose turn is interrupted is withdrawn.
 */
export class PendingQuestions {
  readonly #pending: Pending[] = [];
  readonly #changed: () => void;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  /** The question shown now, if any. */
  get current(): UserInputRequest | null {
    return this.#pending[0]?.request ?? null;
  }

  /** The host's callback: waits for the person's answer, or the turn's end. */
  ask = (request: UserInputRequest, signal: AbortSignal): Promise<UserInputResponse> =>
    new Promise((resolve) => {
      if (signal.aborted) {
        resolve({ status: "declined" });
        return;
      }
      const entry: Pending = {
        request,
        settle: (response) => {
          signal.removeEventListener("abort", withdraw);
          resolve(response);
        },
      };
      const withdraw = () => this.#settle(entry, { status: "declined" });
      signal.addEventListener("abort", withdraw, { once: true });
      this.#pending.push(entry);
      this.#changed();
    });

  /** Answers the question shown: with text, or null to let the model decide. */
  answer(text: string | null): void {
    const entry = this.#pending[0];
    if (!entry) return;
    const answer = text?.trim() ?? "";
    this.#settle(entry, answer === "" ? { status: "declined" } : { status: "answered", answer });
  }

  /** Withdraws every question (the turn ended or was interrupted). */
  clear(): void {
    for (const entry of [...this.#pending]) this.#settle(entry, { status: "declined" });
  }

  #settle(entry: Pending, response: UserInputResponse): void {
    const index = this.#pending.indexOf(entry);
    if (index < 0) return;
    this.#pending.splice(index, 1);
    entry.settle(response);
    this.#changed();
  }
}
