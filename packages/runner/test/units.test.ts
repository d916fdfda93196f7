import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Budget } from "../src/budget/budget.js";
import { guardAction, IdenticalMessages, lowerEffort } from "../src/guards/ladder.js";
import { RunOptionsError, resolveRunSettings } from "../src/options.js";
import { planSchema } from "../src/state/plan-schema.js";
import type { StageState } from "../src/state/state-schema.js";
import { guardedChecks, judge } from "../src/verify/checks.js";
import { detectVerifyCommand } from "../src/verify/detect.js";
import { tempDir } from "./helpers/workspace.js";

describe("the budget", () => {
  const budget = new Budget({ maxCost: 10, hourlyFee: 6 });

  it("counts the fee until the next check and through the wrap-up, and keeps a reserve", () => {
    expect(budget.reserveUsd).toBeCloseTo(0.05, 10);
    // $5 spent, $1 request, fee for 30 min (elapsed) + 10 min ahead = $4 → $10 > $9.95
    expect(
      budget.refuse({ tokensUsd: 5, projectedUsd: 1, elapsedMs: 30 * 60_000, aheadMs: 10 * 60_000 }),
    ).toContain("over $9.9500");
    expect(
      budget.refuse({ tokensUsd: 5, projectedUsd: 1, elapsedMs: 20 * 60_000, aheadMs: 10 * 60_000 }),
    ).toBeNull();
  });

  it("knows when the fee alone will use up what is left", () => {
    // $9.95 - $3.95 = $6 left → 60 minutes of fee, less 5 minutes kept for the wrap-up.
    expect(budget.exhaustedAtMs(3.95, 5 * 60_000)).toBeCloseTo(55 * 60_000, 3);
    expect(new Budget({ maxCost: 10, hourlyFee: 0 }).exhaustedAtMs(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it("announces 50, 80 and 95 percent once each", () => {
    expect(budget.newWarnings(8.1, [])).toEqual([50, 80]);
    expect(budget.newWarnings(9.6, [50, 80])).toEqual([95]);
    expect(new Budget({ maxCost: null, hourlyFee: 1 }).newWarnings(1e9, [])).toEqual([]);
  });
});

describe("run options", () => {
  const base = { task: "do it", workspace: "/w" };
  it("fill in the defaults and the detected verification command", () => {
    const settings = resolveRunSettings(base, "/cwd", "npm test");
    expect(settings).toMatchObject({
      hours: 24,
      checkpoint_interval_min: 30,
      hourly_fee: 0,
      output: "zip",
      max_cost: null,
      verify: ["npm test"],
    });
    expect(
      resolveRunSettings({ ...base, verify: ["make check"], outputPath: "out.zip" }, "/cwd", "npm test"),
    ).toMatchObject({
      verify: ["make check"],
      output_path: "/cwd/out.zip",
    });
  });

  it("take each role's model from the options, else from config's [run], else none", () => {
    const configured = {
      model: "work:big",
      plan_model: "planner:deep",
      review_model: "cheap:nano",
      compact_model: "cheap:mini",
      fallback_models: ["other:spare"],
    };
    expect(resolveRunSettings(base, "/cwd", null)).toMatchObject({
      model: null,
      plan_model: null,
      review_model: null,
      compact_model: null,
      fallback_models: [],
    });
    expect(resolveRunSettings(base, "/cwd", null, configured)).toMatchObject({
      model: "work:big",
      plan_model: "planner:deep",
      review_model: "cheap:nano",
      compact_model: "cheap:mini",
      fallback_models: ["other:spare"],
    });
    const flags = { ...base, reviewModel: " judge ", planModel: "p", fallbackModels: ["a", "b"] };
    expect(resolveRunSettings(flags, "/cwd", null, configured)).toMatchObject({
      model: "work:big",
      plan_model: "p",
      review_model: "judge",
      compact_model: "cheap:mini",
      fallback_models: ["a", "b"],
    });
  });

  it("read a plan's review criteria, which default to none", () => {
    const stage = { id: "s1", title: "t", goal: "g", acceptance: ["true"] };
    expect(planSchema.parse({ stages: [stage] }).stages[0]!.review_criteria).toEqual([]);
    const reviewed = planSchema.parse({
      stages: [{ ...stage, review_criteria: ["the README explains it"] }],
    });
    expect(reviewed.stages[0]!.review_criteria).toEqual(["the README explains it"]);
    expect(planSchema.safeParse({ stages: [{ ...stage, review_criteria: [" "] }] }).success).toBe(false);
  });

  it.each([
    [{ hours: 25 }, "--hours must be at most 24"],
    [{ hours: 0 }, "--hours must be more than 0"],
    [{ maxCost: -1 }, "--max-cost must be more than 0"],
    [{ hourlyFee: -2 }, "--hourly-fee must be 0 or more"],
    [{ checkpointIntervalMin: 0 }, "--checkpoint-interval must be more than 0"],
    [{ task: "  " }, "give the task"],
    [{ output: "none" as const, outputPath: "x" }, "-o needs --output zip or patch"],
  ])("reject %j with a clear message", (bad, message) => {
    expect(() => resolveRunSettings({ ...base, ...bad }, "/cwd", null)).toThrow(RunOptionsError);
    expect(() => resolveRunSettings({ ...base, ...bad }, "/cwd", null)).toThrow(message);
  });
});

describe("the plan schema", () => {
  const stage = { id: "s1", title: "t", goal: "g", acceptance: ["true"], risks: [] };
  it("accepts a plan and rejects duplicate ids, empty commands and unsafe ids", () => {
    expect(planSchema.safeParse({ stages: [stage] }).success).toBe(true);
    const duplicate = planSchema.safeParse({ stages: [stage, stage] });
    expect(duplicate.success).toBe(false);
    expect(duplicate.error?.issues[0]?.message).toContain('duplicate stage id "s1"');
    expect(planSchema.safeParse({ stages: [{ ...stage, acceptance: [" "] }] }).success).toBe(false);
    expect(planSchema.safeParse({ stages: [{ ...stage, id: "../x" }] }).success).toBe(false);
    expect(planSchema.safeParse({ stages: [] }).success).toBe(false);
  });
});

describe("verification", () => {
  const result = (id: string, passed: boolean) => ({
    id,
    command: id,
    passed,
    exit_code: passed ? 0 : 1,
    output: "",
    duration_ms: 1,
  });
  const stage = (id: string, status: StageState["status"], acceptance: string[]): StageState => ({
    id,
    title: id,
    goal: id,
    acceptance,
    review_criteria: [],
    risks: [],
    status,
    failed_verifications: 0,
    rollbacks: 0,
    start_checkpoint: 0,
    summary: null,
  });

  it("guards what passed at the baseline and the acceptance of finished stages; a failure there is a regression", () => {
    const stages = [stage("s1", "done", ["a1"]), stage("s2", "in_progress", ["a2"])];
    const guarded = guardedChecks({ baseline: [result("verify#1", true), result("s2#1", false)], stages });
    expect(guarded.map((c) => c.id)).toEqual(["verify#1", "s1#1"]);
    const verdict = judge(
      [result("verify#1", false), result("s1#1", true), result("s2#1", true)],
      stages[1]!,
      guarded,
    );
    expect(verdict).toEqual({ green: false, regressions: ["verify#1"], failing: [] });
    expect(
      judge([result("verify#1", true), result("s1#1", true), result("s2#1", true)], stages[1]!, guarded)
        .green,
    ).toBe(true);
  });

  it("detects the project's test command", () => {
    const dir = tempDir();
    expect(detectVerifyCommand(dir)).toBeNull();
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
    );
    expect(detectVerifyCommand(dir)).toBeNull();
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ scripts: { test: "vitest run" } }));
    expect(detectVerifyCommand(dir)).toBe("npm test");
    fs.rmSync(path.join(dir, "package.json"));
    fs.writeFileSync(path.join(dir, "Makefile"), "build:\n\tcc x.c\ntest: build\n\t./x\n");
    expect(detectVerifyCommand(dir)).toBe("make test");
    fs.rmSync(dir, { recursive: true });
  });
});

describe("guards", () => {
  it("escalate along their ladders and stop past the end", () => {
    expect([1, 2, 3, 4].map((n) => guardAction("stuck", n))).toEqual(["nudge", "rollback", "stop", "stop"]);
    expect([1, 2, 3, 4].map((n) => guardAction("paralysis", n))).toEqual([
      "nudge",
      "replan",
      "rollback",
      "stop",
    ]);
    expect([1, 2, 3].map((n) => guardAction("reasoning", n))).toEqual(["nudge", "rollback", "stop"]);
  });

  it("see three identical messages in a row as a loop, and a tool call in between as progress", () => {
    const messages = new IdenticalMessages();
    expect(messages.record("Shall I go on?")).toBe(false);
    expect(messages.record("Shall I go on?")).toBe(false);
    messages.reset();
    expect(messages.record("Shall I go on?")).toBe(false);
    expect(messages.record("Shall I go on? ")).toBe(false);
    expect(messages.record("Shall I go on?")).toBe(true);
  });

  it("lower the reasoning effort one step at a time", () => {
    expect(["xhigh", "high", "medium", "low", "minimal"].map((e) => lowerEffort(e))).toEqual([
      "medium",
      "medium",
      "low",
      "minimal",
      "minimal",
    ]);
  });
});
