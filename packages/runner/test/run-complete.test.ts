import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PRICES, type RunHarness, startRunHarness } from "./helpers/run-harness.js";
import { call, lastToolName, plan, REQUEST_USD, type Seen, say, shell } from "./helpers/script.js";
import { git } from "./helpers/workspace.js";

let h: RunHarness;
afterEach(async () => h?.close());

/** A model that plans two stages and does each with one shell command, then says it is done. */
function diligent(seen: Seen) {
  if (seen.planning)
    return plan([
      { id: "s1", acceptance: ["grep -q one s1.txt"] },
      { id: "s2", acceptance: ["test -f s2.txt"] },
    ]);
  const stage = seen.stage!;
  const last = lastToolName(seen);
  if (last === "shell") return call("stage_complete", { stage_id: stage, summary: `wrote ${stage}.txt` });
  if (last === "stage_complete") return say("waiting for the verification");
  return shell(`echo one > ${stage}.txt`);
}

describe("nightshift run: a complete run", { timeout: 120_000 }, () => {
  it("plans, works stage by stage, verifies, checkpoints and delivers a report and a zip", async () => {
    h = await startRunHarness({
      files: { "base.txt": "ok\n", "src/keep.ts": "export const a = 1;\n" },
      script: diligent,
    });
    const headBefore = git(h.workspace, "rev-parse", "HEAD");
    const result = await h.start({
      task: "write s1.txt and s2.txt",
      verify: ["grep -q ok base.txt"],
      hourlyFee: 1.5,
      planModel: "gpt-5.4-mini",
    });
    expect(h.server.failures).toEqual([]);
    const report = result.report;
    expect(report.status).toBe("completed");
    expect(report.stages.map((s) => [s.id, s.status])).toEqual([
      ["s1", "done"],
      ["s2", "done"],
    ]);
    expect(report.baseline).toMatchObject({ command: "grep -q ok base.txt", passed: true });
    expect(report.checkpoints.map((c) => [c.n, c.green])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
    expect(report.artifact).toMatchObject({ format: "zip", checkpoint: 2 });

    // Exact accounting: every served response's usage at the configured prices, plus the fee.
    const served = h.server.requests.filter((r) => r.stepIndex !== null).length;
    expect(report.requests).toBe(served);
    expect(report.cost_usd.tokens).toBeCloseTo(served * REQUEST_USD, 10);
    expect(report.tokens).toEqual({ input: served * 20_000, cached: 0, output: served * 1_000 });
    expect(report.cost_usd.fee).toBeCloseTo((1.5 * report.elapsed_s) / 3600, 10);
    expect(report.cost_usd.total).toBeCloseTo(report.cost_usd.tokens + report.cost_usd.fee, 10);
    expect(PRICES.input).toBe(2);

    // Every request carries max_output_tokens; planning ran on --plan-model, the work on the default model.
    for (const request of h.server.requests) expect(request.body!.max_output_tokens).toBe(32_000);
    const models = h.server.requests.map((r) => [
      JSON.stringify(r.body!.tools).includes("submit_plan"),
      r.body!.model,
    ]);
    expect(new Set(models.filter(([planning]) => planning).map(([, model]) => model))).toEqual(
      new Set(["gpt-5.4-mini"]),
    );
    expect(new Set(models.filter(([planning]) => !planning).map(([, model]) => model))).toEqual(
      new Set(["gpt-5.1-codex"]),
    );

    // Events: started first, completed last, seq increasing.
    const types = h.events.map((e) => e.type);
    expect(types[0]).toBe("run.started");
    expect(types.at(-1)).toBe("run.completed");
    expect(types).toContain("run.plan");
    expect(h.events.map((e) => e.seq)).toEqual(h.events.map((_, i) => i + 1));

    // The run's files.
    const dir = path.dirname(result.reportPath);
    for (const name of [
      "state.json",
      "plan.json",
      "progress.md",
      "events.jsonl",
      "report.json",
      "report.md",
      "artifact.zip",
    ]) {
      expect(fs.existsSync(path.join(dir, name)), name).toBe(true);
    }
    const zipped = execFileSync("unzip", ["-Z1", path.join(dir, "artifact.zip")], { encoding: "utf8" })
      .trim()
      .split("\n")
      .sort();
    expect(zipped).toEqual(["base.txt", "s1.txt", "s2.txt", "src/keep.ts"]);
    expect(fs.readFileSync(path.join(dir, "report.md"), "utf8")).toContain("Everything is green");

    // The user's HEAD and branch never moved; the checkpoints are refs of their own.
    expect(git(h.workspace, "rev-parse", "HEAD")).toBe(headBefore);
    expect(
      git(h.workspace, "for-each-ref", "--format=%(refname)", `refs/nightshift/runs/${result.runId}`).split(
        "\n",
      ),
    ).toHaveLength(3);
  });

  it("keeps a private repository in the run folder for a project that is not a git repository", async () => {
    h = await startRunHarness({ files: { "base.txt": "ok\n" }, script: diligent, git: false });
    const result = await h.start({ task: "write s1.txt and s2.txt" });
    expect(result.report.status).toBe("completed");
    expect(fs.existsSync(path.join(h.workspace, ".git"))).toBe(false);
    const dir = path.dirname(result.reportPath);
    const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
    expect(state.repo).toMatchObject({ kind: "private", git_dir: path.join(dir, "git") });
    const zipped = execFileSync("unzip", ["-Z1", path.join(dir, "artifact.zip")], { encoding: "utf8" })
      .trim()
      .split("\n")
      .sort();
    expect(zipped).toEqual(["base.txt", "s1.txt", "s2.txt"]);
  });
});
