/** Scenario files and the cursor that hands out steps one request at a time. */
import { readFileSync } from "node:fs";
import type { RecordedRequest, Scenario, Step, StepSpec } from "./types.js";

const OUTPUT_TYPES = ["message", "reasoning", "function_call", "custom_tool_call", "web_search_call"];
const FAULT_TYPES = [
  "http",
  "cut",
  "stall",
  "malformed",
  "failed",
  "incomplete",
  "repeat",
  "duplicate_item_done",
  "replay_answered_call",
];

export class ScenarioCursor {
  #position = 0;
  #usedOfCurrent = 0;

  constructor(readonly scenario: Scenario) {}

  /** The next step and its index, or undefined when the scenario is used up. */
  peek(): { step: Step; index: number } | undefined {
    const step = this.scenario.steps[this.#position];
    return step === undefined ? undefined : { step, index: this.#position };
  }

  /** Consumes one request's worth of the current step. */
  advance(): void {
    const current = this.scenario.steps[this.#position];
    if (current === undefined) return;
    this.#usedOfCurrent++;
    if (this.#usedOfCurrent >= timesOf(current)) {
      this.#position++;
      this.#usedOfCurrent = 0;
    }
  }

  /** Requests still expected, counting repetitions. */
  remaining(): number {
    let total = 0;
    for (const step of this.scenario.steps.slice(this.#position)) total += timesOf(step);
    return total - this.#usedOfCurrent;
  }
}

function timesOf(step: Step): number {
  return typeof step === "function" ? 1 : Math.max(1, Math.floor(step.times ?? 1));
}

/** Turns a step into the spec for this request (calling a generator when there is one). */
export function resolveStep(step: Step, request: RecordedRequest): StepSpec {
  if (typeof step === "function") return step(request);
  if (!step.generate) return step;
  const generated = step.generate(request);
  return { ...generated, match: mergeMatch(step, generated) };
}

/** A generated step keeps the outer step's match fields it does not set itself. */
function mergeMatch(outer: StepSpec, generated: StepSpec): StepSpec["match"] {
  if (!outer.match) return generated.match;
  return { ...outer.match, ...generated.match };
}

/** Reads a scenario JSON file (`{ "steps": [...] }`) and checks its shape. */
export function loadScenario(file: string): Scenario {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read scenario ${file}: ${(error as Error).message}`);
  }
  const problems = validateScenario(parsed);
  if (problems.length > 0) throw new Error(`invalid scenario ${file}:\n  ${problems.join("\n  ")}`);
  return parsed as Scenario;
}

/** Problems with a JSON scenario, one line each. */
export function validateScenario(value: unknown): string[] {
  if (!isRecord(value) || !Array.isArray(value.steps)) return ['expected an object with a "steps" array'];
  const problems: string[] = [];
  value.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (!isRecord(step)) {
      problems.push(`${at}: expected an object`);
      return;
    }
    if (step.times !== undefined && !(Number.isInteger(step.times) && (step.times as number) >= 1)) {
      problems.push(`${at}.times: expected a positive integer`);
    }
    if (step.match !== undefined && !isRecord(step.match)) problems.push(`${at}.match: expected an object`);
    if (step.response === undefined && step.fault === undefined) {
      problems.push(`${at}: needs a "response" or a "fault"`);
    }
    if (step.response !== undefined) {
      if (!isRecord(step.response) || !Array.isArray(step.response.output)) {
        problems.push(`${at}.response: expected { "output": [...] }`);
      } else {
        const compact = isRecord(step.match) && step.match.path === "/v1/responses/compact";
        step.response.output.forEach((item, j) => {
          if (!isRecord(item) || typeof item.type !== "string") {
            problems.push(`${at}.response.output[${j}]: expected an object with a "type"`);
          } else if (!compact && !OUTPUT_TYPES.includes(item.type)) {
            problems.push(`${at}.response.output[${j}].type: expected one of ${OUTPUT_TYPES.join(", ")}`);
          }
        });
      }
    }
    if (
      step.fault !== undefined &&
      (!isRecord(step.fault) || !FAULT_TYPES.includes(step.fault.type as string))
    ) {
      problems.push(`${at}.fault.type: expected one of ${FAULT_TYPES.join(", ")}`);
    }
  });
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
