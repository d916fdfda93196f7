import { createHash } from "node:crypto";
import type { RepeatedCallThresholds, StopReason } from "./turn-limits.js";

type Step = { call: string; output: string; success: boolean; name: string };

/**
 * Watches a turn's tool calls for loops: the same call with the same output again and again, the
 * same call failing again and again, or two calls alternating with nothing changing. Keeps only
 * the last few steps (bounded memory whatever the turn's length).
 */
export class RepeatDetector {
  readonly #thresholds: RepeatedCallThresholds;
  readonly #steps: Step[] = [];
  readonly #keep: number;

  constructor(thresholds: RepeatedCallThresholds) {
    this.#thresholds = thresholds;
    this.#keep = Math.max(
      thresholds.sameCallSameOutput,
      thresholds.sameCallFailing,
      thresholds.alternatingCalls,
    );
  }

  /** Records one finished call; returns why the turn should stop, or null. */
  record(name: string, input: string, output: string, success: boolean): StopReason | null {
    this.#steps.push({
      name,
      call: digest(`${name}\0${input}`),
      output: digest(withoutTimings(output)),
      success,
    });
    if (this.#steps.length > this.#keep) this.#steps.shift();
    return this.#check();
  }

  #check(): StopReason | null {
    const { sameCallSameOutput, sameCallFailing, alternatingCalls } = this.#thresholds;
    const last = this.#steps.at(-1)!;
    const tail = (n: number) => (this.#steps.length >= n ? this.#steps.slice(-n) : null);
    const same = tail(sameCallSameOutput);
    if (same?.every((step) => step.call === last.call && step.output === last.output)) {
      return stop(
        `the same ${last.name} call returned the same output ${sameCallSameOutput} times in a row`,
        "same_call_same_output",
        last.name,
      );
    }
    const failing = tail(sameCallFailing);
    if (failing?.every((step) => step.call === last.call && !step.success)) {
      return stop(
        `the same ${last.name} call failed ${sameCallFailing} times in a row`,
        "same_call_failing",
        last.name,
      );
    }
    const alternating = tail(alternatingCalls);
    if (alternating && alternatingCalls >= 4) {
      const [a, b] = alternating;
      const repeats = alternating.every((step, i) => {
        const model = i % 2 === 0 ? a! : b!;
        return step.call === model.call && step.output === model.output;
      });
      if (repeats && a!.call !== b!.call) {
        return stop(
          `two calls (${a!.name}, ${b!.name}) alternated ${alternatingCalls} times with unchanged outputs`,
          "alternating_calls",
          last.name,
        );
      }
    }
    return null;
  }
}

function stop(what: string, pattern: string, tool: string): StopReason {
  return { kind: "repeated_calls", message: `stopped: ${what}`, detail: { pattern, tool } };
}

/** A command's wall time differs on every run: the same result must still count as the same. */
function withoutTimings(output: string): string {
  return output.replace(/^Wall time: [\d.]+ seconds$/gm, "");
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}
