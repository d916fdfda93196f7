import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunHarness, startRunHarness } from "./helpers/run-harness.js";
import { call, lastToolName, plan, type Seen, say, shell } from "./helpers/script.js";

let h: RunHarness;
afterEach(async () => h?.close());

/**
 * The first approach adds the feature but breaks lib.txt (which the verification command checks):
 * a regression. After the rollback, the hand-off asks for a different approach, and the model
 * adds the feature without touching lib.txt.
 */
function regressThenRecover(seen: Seen) {
  if (seen.planning) return plan([{ id: "s1", acceptance: ["test -f feature.txt"] }]);
  const last = lastToolName(seen);
  if (last === "shell") return call("stage_complete", { stage_id: "s1", summary: "added feature.txt" });
  if (last === "stage_complete") return say("waiting");
  const rolledBack = seen.text.includes("A different approach is needed");
  return rolledBack
    ? shell("echo feature > feature.txt")
    : shell("echo feature > feature.txt && echo bad > lib.txt && echo scratch > scratch.txt");
}

describe("nightshift run: rollback to green", { timeout: 120_000 }, () => {
  it("rolls a regression back to the last green checkpoint and solves the stage another way", async () => {
    h = await startRunHarness({ files: { "lib.txt": "ok\n" }, script: regressThenRecover });
    const result = await h.start({ task: "add feature.txt", verify: ["grep -q ok lib.txt"] });
    expect(h.server.failures).toEqual([]);
    const { report } = result;
    expect(report.status).toBe("completed");
    expect(report.rollbacks).toHaveLength(1);
    expect(report.rollbacks[0]).toMatchObject({ to: 0 });
    expect(report.rollbacks[0]!.reason).toContain("regressions: verify#1");
    const verifications = h.events.filter((e) => e.type === "run.verification" && e.stage_id === "s1");
    expect(verifications.map((e) => (e as { passed: boolean }).passed)).toEqual([false, false, false, true]);
    expect((verifications[0] as { regressions: string[] }).regressions).toEqual(["verify#1"]);
    // The rollback removed everything the first approach did, shell-made files included.
    expect(fs.readFileSync(path.join(h.workspace, "lib.txt"), "utf8")).toBe("ok\n");
    expect(fs.existsSync(path.join(h.workspace, "scratch.txt"))).toBe(false);
    expect(fs.readFileSync(path.join(h.workspace, "feature.txt"), "utf8")).toBe("feature\n");
    // The hand-off after the rollback said so plainly.
    const handoff = h.server.requests.find((r) =>
      JSON.stringify(r.body?.input).includes("rolled back to checkpoint 0"),
    );
    expect(JSON.stringify(handoff?.body?.input)).toContain("Why it failed: 3 failed verifications in a row");
    expect(report.stages[0]).toMatchObject({ status: "done", rollbacks: 1 });
  });

  it("marks a stage failed after its rollbacks run out and ends as failed, still delivering", async () => {
    h = await startRunHarness({
      files: { "lib.txt": "ok\n" },
      script: (seen) => {
        if (seen.planning) return plan([{ id: "s1", acceptance: ["test -f never.txt"] }]);
        const last = lastToolName(seen);
        if (last === "shell") return call("stage_complete", { stage_id: "s1", summary: "tried" });
        if (last === "stage_complete") return say("waiting");
        return shell("echo attempt >> attempts.txt");
      },
    });
    const result = await h.start({
      task: "impossible",
      maxFailedVerifications: 1,
      maxRollbacksPerStage: 2,
      output: "patch",
    });
    const { report } = result;
    expect(report.status).toBe("failed");
    expect(report.stages[0]).toMatchObject({ status: "failed", rollbacks: 3 });
    expect(report.rollbacks.map((r) => r.to)).toEqual([0, 0, 0]);
    expect(report.artifact).toMatchObject({ format: "patch", checkpoint: 0 });
    expect(fs.readFileSync(report.artifact.path!, "utf8")).toBe("");
    expect(fs.existsSync(path.join(h.workspace, "attempts.txt"))).toBe(false);
  });
});
