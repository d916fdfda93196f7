import type { CheckResult, StageState } from "../state/state-schema.js";

/** One command the runner checks: a verification command or a stage's acceptance command. */
export type Check = { id: string; command: string };

/** Runs a shell command line for the runner (see the run's CommandRunner in engine/context). */
export type CheckRunner = (
  command: string,
  timeoutMs: number,
) => Promise<{
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  durationMs: number;
  error?: string;
}>;

const OUTPUT_TAIL = 4000;

export function verifyChecks(commands: readonly string[]): Check[] {
  return commands.map((command, i) => ({ id: `verify#${i + 1}`, command }));
}

export function acceptanceChecks(stage: Pick<StageState, "id" | "acceptance">): Check[] {
  return stage.acceptance.map((command, i) => ({ id: `${stage.id}#${i + 1}`, command }));
}

/** Runs checks one after another (they share the workspace). */
export async function runChecks(
  run: CheckRunner,
  checks: readonly Check[],
  timeoutMs: number,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const outcome = await run(check.command, timeoutMs);
    const note = outcome.timedOut ? `\n[timed out after ${Math.round(timeoutMs / 1000)} s]` : "";
    const text = `${outcome.error ?? outcome.output}${note}`;
    results.push({
      id: check.id,
      command: check.command,
      passed: outcome.exitCode === 0 && !outcome.timedOut && !outcome.error,
      exit_code: outcome.exitCode,
      output: text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text,
      duration_ms: outcome.durationMs,
    });
  }
  return results;
}

/** What must stay green: checks that passed at the baseline and the acceptance of finished stages. */
export function guardedChecks(args: {
  baseline: readonly CheckResult[];
  stages: readonly StageState[];
}): Check[] {
  const checks = new Map<string, Check>();
  for (const result of args.baseline)
    if (result.passed) checks.set(result.id, { id: result.id, command: result.command });
  for (const stage of args.stages) {
    if (stage.status !== "done") continue;
    for (const check of acceptanceChecks(stage)) checks.set(check.id, check);
  }
  return [...checks.values()];
}

/** The checks to run for a stage: its acceptance, the verification commands, and everything guarded. */
export function stageChecks(stage: StageState, verify: readonly Check[], guarded: readonly Check[]): Check[] {
  const checks = new Map<string, Check>();
  for (const check of [...acceptanceChecks(stage), ...verify, ...guarded]) checks.set(check.id, check);
  return [...checks.values()];
}

export type Verdict = {
  green: boolean;
  /** Guarded checks that fail now. */
  regressions: string[];
  /** Acceptance checks of the stage that fail. */
  failing: string[];
};

/** Green: every acceptance check of the stage passes and no guarded check fails. */
export function judge(
  results: readonly CheckResult[],
  stage: StageState | null,
  guarded: readonly Check[],
): Verdict {
  const byId = new Map(results.map((r) => [r.id, r]));
  const regressions = guarded.filter((c) => byId.get(c.id)?.passed === false).map((c) => c.id);
  const failing = stage
    ? acceptanceChecks(stage)
        .filter((c) => byId.get(c.id)?.passed !== true)
        .map((c) => c.id)
    : [];
  return { green: regressions.length === 0 && failing.length === 0, regressions, failing };
}
