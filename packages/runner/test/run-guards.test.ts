import fs from "node:fs";
import path from "node:path";
import type { StepSpec } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type RunHarness, startRunHarness } from "./helpers/run-harness.js";
import { addFile, call, lastToolName, plan, type Seen, say, shell } from "./helpers/script.js";

let h: RunHarness;
afterEach(async () => h?.close());

const onePlan = plan([{ id: "s1", acceptance: ["test -f done.txt"] }]);

function guardsOf(h: RunHarness) {
  return h.events
    .filter((e) => e.type === "run.guard")
    .map((e) => [(e as { kind: string }).kind, (e as { action: string }).action]);
}

describe("nightshift run: guards", { timeout: 120_000 }, () => {
  it("stuck: the same call with the same output — a nudge, then a rollback, then the run stops as stuck", async () => {
    h = await startRunHarness({
      files: { "lib.txt": "ok\n" },
      script: (seen) => (seen.planning ? onePlan : shell("cat lib.txt")),
    });
    const { report } = await h.start({ task: "loop forever" });
    expect(report.status).toBe("stuck");
    expect(guardsOf(h)).toEqual([
      ["stuck", "nudge"],
      ["stuck", "rollback"],
      ["stuck", "stop"],
    ]);
    expect(report.rollbacks).toHaveLength(1);
    const nudged = h.server.requests.some((r) =>
      JSON.stringify(r.body?.input).includes("You are going in circles"),
    );
    expect(nudged).toBe(true);
    expect(fs.existsSync(report.artifact.path!)).toBe(true);
  });

  it("stuck: the same message with no tool call, while the runner answers 'should I continue?'", async () => {
    h = await startRunHarness({
      files: { "lib.txt": "ok\n" },
      script: (seen) => (seen.planning ? onePlan : say("Shall I go ahead with the change?")),
    });
    const { report } = await h.start({ task: "ask and ask" });
    expect(report.status).toBe("stuck");
    expect(guardsOf(h).map(([kind]) => kind)).toEqual(["stuck", "stuck", "stuck"]);
    const answered = h.server.requests.filter((r) =>
      JSON.stringify(r.body?.input).includes("nobody is available to answer"),
    );
    expect(answered.length).toBeGreaterThanOrEqual(2);
  });

  it("paralysis: steps without writes — a nudge, a forced re-plan, a rollback, then a stop", async () => {
    let n = 0;
    h = await startRunHarness({
      files: { "lib.txt": "ok\n" },
      script: (seen) => (seen.planning ? onePlan : shell(`cat lib.txt; echo look ${++n}`)),
    });
    const { report } = await h.start({ task: "analyse forever", paralysisSteps: 4 });
    expect(report.status).toBe("stuck");
    expect(guardsOf(h)).toEqual([
      ["paralysis", "nudge"],
      ["paralysis", "replan"],
      ["paralysis", "rollback"],
      ["paralysis", "stop"],
    ]);
    const replanned = h.server.requests.some((r) =>
      JSON.stringify(r.body?.input).includes("write a short plan of at most five concrete edits"),
    );
    expect(replanned).toBe(true);
  });

  it("paralysis: writes made by shell commands count as progress", async () => {
    let n = 0;
    h = await startRunHarness({
      files: { "lib.txt": "ok\n" },
      script: (seen: Seen): StepSpec => {
        if (seen.planning) return onePlan;
        n++;
        if (n < 12) return shell(`echo ${n} > note${n}.txt`);
        if (lastToolName(seen) === "shell")
          return call("stage_complete", { stage_id: "s1", summary: "done" });
        if (lastToolName(seen) === "stage_complete") return say("ok");
        return shell("echo done > done.txt");
      },
    });
    const { report } = await h.start({ task: "write notes", paralysisSteps: 4 });
    expect(report.status).toBe("completed");
    expect(report.guards).toEqual([]);
    expect(fs.existsSync(path.join(h.workspace, "note11.txt"))).toBe(true);
  });

  it("reasoning: a cut-off answer lowers the effort and asks for one concise step; repeated cut-offs fire the guard", async () => {
    let cutoffs = 0;
    h = await startRunHarness({
      files: { "lib.txt": "ok\n" },
      script: (seen: Seen): StepSpec => {
        if (seen.planning) return onePlan;
        if (cutoffs < 2) {
          cutoffs++;
          return { fault: { type: "incomplete", reason: "max_output_tokens" } };
        }
        const last = lastToolName(seen);
        if (last === "apply_patch" || seen.last.type === "custom_tool_call_output")
          return call("stage_complete", { stage_id: "s1", summary: "added done.txt" });
        if (last === "stage_complete") return say("ok");
        return addFile("done.txt");
      },
    });
    const { report } = await h.start({ task: "think hard", maxOutputTokens: 2000 });
    expect(report.status).toBe("completed");
    expect(guardsOf(h)).toEqual([["reasoning", "nudge"]]);
    const work = h.server.requests.filter((r) => !JSON.stringify(r.body?.tools).includes("submit_plan"));
    expect(work.map((r) => r.body!.reasoning?.effort)).toEqual(["medium", "low", "minimal", "minimal"]);
    expect(JSON.stringify(work[1]!.body!.input)).toContain("one concise next step");
    expect(JSON.stringify(work[2]!.body!.input)).toContain("Reasoning effort has been lowered");
    for (const request of h.server.requests) expect(request.body!.max_output_tokens).toBe(2000);
  });
});
