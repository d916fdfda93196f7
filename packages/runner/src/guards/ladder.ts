import type { RepeatedCallThresholds } from "@nightshift/core";
import type { GuardEvent, GuardKind } from "../state/state-schema.js";

export type GuardAction = GuardEvent["action"];

/** What each guard does the 1st, 2nd, 3rd… time it fires in a stage; past the end it stops the run. */
const LADDERS: Record<GuardKind, GuardAction[]> = {
  stuck: ["nudge", "rollback", "stop"],
  paralysis: ["nudge", "replan", "rollback", "stop"],
  reasoning: ["nudge", "rollback", "stop"],
};

/** The action for the `count`-th firing (1-based) of a guard in the current stage. */
export function guardAction(kind: GuardKind, count: number): GuardAction {
  const ladder = LADDERS[kind];
  return ladder[Math.min(count, ladder.length) - 1] ?? "stop";
}

/**
 * OpenHands' stuck windows: the same call with the same result 4 times, the same call failing 3
 * times, an A-B alternation over 6 calls (checked by the engine per turn); 3 identical messages
 * with no tool call between are checked by IdenticalMessages.
 */
export const STUCK_THRESHOLDS: RepeatedCallThresholds = {
  sameCallSameOutput: 4,
  sameCallFailing: 3,
  alternatingCalls: 6,
};
export const IDENTICAL_MESSAGES = 3;

/** Turns that ended with a message and no tool call: the same message again and again is a loop. */
export class IdenticalMessages {
  #last: string | null = null;
  #count = 0;

  /** Records a message that ended a turn; true when it was the same IDENTICAL_MESSAGES times in a row. */
  record(message: string | null): boolean {
    const text = (message ?? "").trim();
    if (text === this.#last) this.#count++;
    else {
      this.#last = text;
      this.#count = 1;
    }
    return this.#count >= IDENTICAL_MESSAGES;
  }

  /** A tool call happened: the messages are no longer back to back. */
  reset(): void {
    this.#last = null;
    this.#count = 0;
  }
}

/** One reasoning effort lower (a cut-off answer thought too long). */
export function lowerEffort(effort: string | undefined): "minimal" | "low" | "medium" | undefined {
  switch (effort) {
    case "xhigh":
    case "high":
      return "medium";
    case "medium":
      return "low";
    case "low":
    case "minimal":
      return "minimal";
    default:
      return "low";
  }
}
