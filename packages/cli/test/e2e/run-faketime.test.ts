import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type Harness, startHarness } from "./harness.js";
import { statelessModel } from "./run-script.js";

let h: Harness;
afterEach(async () => h?.close());

const FAKETIME = ["/usr/bin/faketime", "/usr/local/bin/faketime"].find((file) => fs.existsSync(file));

/**
 * The real binary under libfaketime at 1440x: a 24-hour run passes in about a minute of real time,
 * with the system clock, real timers, real HTTP and real git. (CI installs faketime: see .ci/run.)
 */
describe("nightshift run under faketime (24 hours in a minute)", { timeout: 240_000 }, () => {
  it("checkpoints every 30 simulated minutes and ends as timed_out within 24 hours", async () => {
    expect(FAKETIME, "faketime is needed for this test: apt-get install faketime").toBeDefined();
    h = await startHarness(
      { steps: [{ times: 100_000, generate: statelessModel(["s1"], { forever: true }) }] },
      // The sandbox's self-test has a timeout of its own that 1440x time would cut short; this test is about time.
      { idleTimeoutMs: 2_000_000_000, config: 'sandbox_mode = "danger-full-access"' },
    );
    const child = spawn(
      FAKETIME!,
      [
        "-f",
        "+0 x1440",
        process.execPath,
        BIN,
        "run",
        "--json",
        "--hours",
        "24",
        "--output",
        "none",
        "keep working",
      ],
      {
        cwd: h.workspace,
        env: h.env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const events = stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
    expect(events.at(-1), stderr.slice(-2000)).toMatchObject({ type: "run.completed", status: "timed_out" });
    expect(code).toBe(1);
    const report = JSON.parse(fs.readFileSync(events.at(-1).report, "utf8"));
    expect(report.elapsed_s).toBeLessThanOrEqual(24 * 3600);
    expect(report.elapsed_s).toBeGreaterThan(22 * 3600);
    const scheduled = events.filter(
      (e) => e.type === "run.checkpoint" && e.reason.startsWith("every 30 min"),
    );
    expect(scheduled.length).toBeGreaterThanOrEqual(24);
    let previous = 0;
    for (const checkpoint of scheduled) {
      // On schedule: at the first step boundary after 30 minutes of work. At 1440x a step of 0.1-1 s
      // of real time is 2-24 simulated minutes, so the slack is wide here; the in-process test is exact.
      expect(checkpoint.at_s - previous).toBeGreaterThanOrEqual(1800);
      expect(checkpoint.at_s - previous).toBeLessThan(1800 + 30 * 60);
      previous = checkpoint.at_s;
    }
    expect(fs.existsSync(path.join(h.home, "runs", report.run_id, "report.md"))).toBe(true);
  });
});
