import fs from "node:fs";
import { writeFileAtomic } from "./atomic-file.js";
import type { RunPaths } from "./paths.js";
import { type Plan, planSchema } from "./plan-schema.js";
import { type RunState, runStateSchema } from "./state-schema.js";

/** A run folder that cannot be read back: one actionable sentence for the user. */
export class RunStateError extends Error {
  override name = "RunStateError";
}

/** Reads and writes a run's durable files: state.json (atomically) and plan.json. */
export class RunStore {
  constructor(readonly paths: RunPaths) {}

  create(state: RunState): void {
    fs.mkdirSync(this.paths.dir, { recursive: true, mode: 0o700 });
    this.save(state);
  }

  /** Persists the state; called before the runner acts on what changed. */
  save(state: RunState): void {
    writeFileAtomic(this.paths.state, `${JSON.stringify(state, null, 2)}\n`);
  }

  load(): RunState {
    let text: string;
    try {
      text = fs.readFileSync(this.paths.state, "utf8");
    } catch (err) {
      throw new RunStateError(`cannot read ${this.paths.state}: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new RunStateError(`${this.paths.state} is not valid JSON (${(err as Error).message})`);
    }
    const parsed = runStateSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new RunStateError(
        `${this.paths.state} does not hold a run's state (${issue.path.join(".") || "(root)"}: ${issue.message})`,
      );
    }
    return parsed.data;
  }

  savePlan(plan: Plan): void {
    writeFileAtomic(this.paths.plan, `${JSON.stringify(plan, null, 2)}\n`);
  }

  loadPlan(): Plan | null {
    try {
      return planSchema.parse(JSON.parse(fs.readFileSync(this.paths.plan, "utf8")));
    } catch {
      return null;
    }
  }
}
