import { afterEach, describe, expect, it } from "vitest";
import { type RunHarness, startRunHarness } from "./helpers/run-harness.js";
import { addFile, plan, REQUEST_USD } from "./helpers/script.js";

let h: RunHarness;
afterEach(async () => h?.close());

/** A model that plans one stage and then keeps adding files, never finishing it. */
function tireless(seen: { planning: boolean }) {
  return seen.planning ? plan([{ id: "s1", acceptance: ["test -f never.txt"] }]) : addFile();
}

describe("nightshift run: budget and time", { timeout: 300_000 }, () => {
  it("wraps up as budget_exceeded before passing max_cost, with the hourly fee counted exactly", async () => {
    h = await startRunHarness({ files: { "a.txt": "a\n" }, script: tireless, stepMs: 5 * 60_000 });
    const maxCost = 10;
    const { report } = await h.start({ task: "never ends", maxCost, hourlyFee: 1.2, maxOutputTokens: 4000 });
    expect(report.status).toBe("budget_exceeded");
    expect(report.cost_usd.total).toBeLessThanOrEqual(maxCost);
    expect(report.cost_usd.total).toBeGreaterThan(maxCost * 0.95);
    expect(report.cost_usd.tokens).toBeCloseTo(report.requests * REQUEST_USD, 10);
    expect(report.cost_usd.fee).toBeCloseTo((1.2 * report.elapsed_s) / 3600, 10);
    expect(report.cost_usd.total).toBeCloseTo(report.cost_usd.tokens + report.cost_usd.fee, 10);
    const served = h.server.requests.filter((r) => r.stepIndex !== null).length;
    expect(report.requests).toBeGreaterThanOrEqual(served - 1);
    const budget = h.events.filter((e) => e.type === "run.budget") as { kind: string; percent: number }[];
    expect(budget.filter((e) => e.kind === "warning").map((e) => e.percent)).toEqual([50, 80, 95]);
    expect(budget.at(-1)!.kind).toBe("exceeded");
    // Delivered anyway: the last green checkpoint (the start) as the artifact.
    expect(report.artifact.checkpoint).not.toBeNull();
  });

  it("works a simulated 24 hours, checkpointing on schedule, and ends as timed_out before the deadline", async () => {
    h = await startRunHarness({ files: { "a.txt": "a\n" }, script: tireless, stepMs: 20 * 60_000 });
    const { report } = await h.start({
      task: "a very long job",
      hours: 24,
      checkpointIntervalMin: 30,
      segmentMinutes: 180,
    });
    expect(report.status).toBe("timed_out");
    expect(report.elapsed_s).toBeLessThanOrEqual(24 * 3600);
    expect(report.elapsed_s).toBeGreaterThan(23 * 3600);
    const scheduled = h.events.filter(
      (e) => e.type === "run.checkpoint" && e.reason.startsWith("every 30 min"),
    ) as {
      at_s: number;
      green: boolean;
    }[];
    expect(scheduled.length).toBeGreaterThanOrEqual(30);
    let previous = 0;
    for (const checkpoint of scheduled) {
      const gap = checkpoint.at_s - previous;
      expect(gap).toBeGreaterThanOrEqual(1800 - 1200);
      expect(gap).toBeLessThanOrEqual(1800 + 1200);
      expect(checkpoint.green).toBe(true);
      previous = checkpoint.at_s;
    }
    // Segments of at most three hours: fresh sessions, each starting from a hand-off.
    const handoffs = h.server.requests.filter(
      (r) =>
        JSON.stringify(r.body?.input).includes("# Run hand-off") ||
        JSON.stringify(r.body?.input).includes("continuing an unattended nightshift run"),
    );
    expect(handoffs.length).toBeGreaterThanOrEqual(8);
    expect(report.checkpoints.map((c) => c.n)).toEqual(report.checkpoints.map((_, i) => i));
  });
});
