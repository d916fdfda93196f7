import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import { statelessModel } from "./run-script.js";

let h: Harness;
afterEach(async () => h?.close());

describe("nightshift run (the built binary)", { timeout: 120_000 }, () => {
  it("runs to completion with --json events, writes the report and the artifact, and lists the run", async () => {
    h = await startHarness({ steps: [{ times: 1000, generate: statelessModel(["s1", "s2"]) }] });
    fs.writeFileSync(path.join(h.workspace, "README.md"), "# demo\n");
    const out = path.join(h.home, "..", "delivered.patch");
    const result = await h.run([
      "run",
      "--json",
      "--output",
      "patch",
      "-o",
      out,
      "--hourly-fee",
      "2",
      "write two files",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(h.server.failures).toEqual([]);
    const events = h.jsonEvents(result);
    expect(events[0]).toMatchObject({ type: "run.started", seq: 1 });
    const runId = events[0].run_id;
    expect(events.at(-1)).toMatchObject({
      type: "run.completed",
      run_id: runId,
      status: "completed",
      artifact: out,
    });
    const types = new Set(events.map((e) => e.type));
    for (const type of ["run.plan", "run.stage", "run.verification", "run.checkpoint"])
      expect(types).toContain(type);
    for (const event of events) expect(typeof event.ts).toBe("string");

    const report = JSON.parse(fs.readFileSync(events.at(-1).report, "utf8"));
    for (const key of [
      "run_id",
      "status",
      "task",
      "started_at",
      "ended_at",
      "elapsed_s",
      "cost_usd",
      "max_cost",
      "tokens",
      "baseline",
      "stages",
      "checkpoints",
      "rollbacks",
      "guards",
      "artifact",
    ]) {
      expect(report).toHaveProperty(key);
    }
    expect(report.stages).toEqual([
      expect.objectContaining({ id: "s1", status: "done" }),
      expect.objectContaining({ id: "s2", status: "done" }),
    ]);
    expect(Object.keys(report.checkpoints[0]).sort()).toEqual(["at_s", "commit", "cost_usd", "green", "n"]);
    expect(report.cost_usd.fee).toBeCloseTo((2 * report.elapsed_s) / 3600, 10);
    const patch = fs.readFileSync(out, "utf8");
    expect(patch).toContain("+++ b/s1.txt");
    expect(patch).toContain("+++ b/s2.txt");

    const list = await h.run(["run", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(runId);
    expect(list.stdout).toContain("completed");
    const status = await h.run(["run", "status", runId]);
    expect(status.stdout).toContain("completed");
    expect(status.stdout).toContain("done        s2: write s2.txt");
    const again = await h.run(["run", "resume", runId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already ended as completed");
  });

  it("rejects bad flags with a clear message", async () => {
    h = await startHarness({ steps: [] });
    const hours = await h.run(["run", "--hours", "30", "x"]);
    expect(hours.code).toBe(1);
    expect(hours.stderr).toContain("--hours must be at most 24");
    const cost = await h.run(["run", "--max-cost", "lots", "x"]);
    expect(cost.code).not.toBe(0);
    expect(cost.stderr).toContain('--max-cost needs a number, got "lots"');
    const none = await h.run(["run", "resume", "no-such-run"]);
    expect(none.stderr).toContain("no run no-such-run");
    expect(h.server.requests).toEqual([]);
  });
});
