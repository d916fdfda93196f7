import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import { stageOf, statelessModel } from "./run-script.js";

let h: Harness;
afterEach(async () => h?.close());

/** A small seeded generator, so a failing order of kills can be replayed from the seed in the message. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Exit = { code: number | null; signal: NodeJS.Signals | null; stdout: string };

function waitExit(child: ChildProcess): Promise<Exit> {
  let stdout = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.resume();
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout })));
}

function firstRunId(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk) => {
      buffer += chunk;
      const match = /"run_id":"([^"]+)"/.exec(buffer);
      if (match) resolve(match[1]!);
    });
    child.on("close", () => reject(new Error("the run ended before announcing its id")));
  });
}

/** The cost of every usage line in the rollouts of the given sessions (what the provider reported). */
function rolloutSpend(home: string, sessionIds: string[]): number {
  let total = 0;
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const file of walk(path.join(home, "sessions"))) {
    if (!file.endsWith(".jsonl") || !sessionIds.some((id) => file.endsWith(`${id}.jsonl`))) continue;
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      if (!line.includes('"type":"usage"')) continue;
      try {
        total += JSON.parse(line).payload.cost_usd ?? 0;
      } catch {
        // a torn last line: its request was not accounted by the session either
      }
    }
  }
  return total;
}

describe("nightshift run: SIGKILL and resume", { timeout: 240_000 }, () => {
  it("continues after kills at random moments: no finished stage repeated, no spend forgotten, no checkpoint number reused", async () => {
    const seed = Number(process.env.RUN_KILL_SEED ?? Date.now() % 1_000_000);
    const random = mulberry32(seed);
    const stages = ["s1", "s2", "s3", "s4"];
    h = await startHarness({ steps: [{ times: 10_000, generate: statelessModel(stages) }] });

    const first = h.spawn(["run", "--json", "--output", "zip", "write four files"]);
    first.stdin!.end();
    const exits: Exit[] = [];
    const runId = await firstRunId(first);
    let child: ChildProcess = first;
    let kills = 0;
    while (true) {
      const exited = waitExit(child);
      if (kills < 4) {
        const delay = 200 + Math.floor(random() * 1800);
        const timer = setTimeout(() => child.kill("SIGKILL"), delay);
        const exit = await exited;
        clearTimeout(timer);
        exits.push(exit);
        if (exit.signal === "SIGKILL") kills++;
      } else {
        exits.push(await exited);
      }
      const last = exits.at(-1)!;
      if (last.code === 0) break;
      expect(last.signal, `seed ${seed}: the run failed: ${last.stdout.slice(-2000)}`).toBe("SIGKILL");
      child = h.spawn(["run", "resume", runId, "--json"]);
      child.stdin!.end();
    }
    expect(kills, `seed ${seed}`).toBeGreaterThan(0);

    const dir = path.join(h.home, "runs", runId);
    const report = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"));
    expect(report.status, `seed ${seed}`).toBe("completed");
    for (const stage of stages)
      expect(fs.readFileSync(path.join(h.workspace, `${stage}.txt`), "utf8")).toBe(`${stage}\n`);

    // Events over every process: seq strictly increasing, each stage done once, checkpoint numbers never reused.
    const events = fs
      .readFileSync(path.join(dir, "events.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("{") && line.endsWith("}"))
      .map((line) => JSON.parse(line));
    const seqs = events.map((e) => e.seq);
    expect(seqs, `seed ${seed}`).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const stage of stages) {
      expect(
        events.filter((e) => e.type === "run.stage" && e.stage_id === stage && e.status === "done"),
        `seed ${seed}`,
      ).toHaveLength(1);
    }
    const numbers = events.filter((e) => e.type === "run.checkpoint").map((e) => e.n);
    expect(new Set(numbers).size, `seed ${seed}`).toBe(numbers.length);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(report.checkpoints.map((c: { n: number }) => c.n)).toEqual(numbers);

    // No finished stage repeated: the model was never asked about a stage after a later one began.
    const order = h.server.requests.map(stageOf).filter((s): s is string => s !== null);
    for (let i = 1; i < order.length; i++) {
      expect(stages.indexOf(order[i]!), `seed ${seed}: ${order.join(",")}`).toBeGreaterThanOrEqual(
        stages.indexOf(order[i - 1]!),
      );
    }

    // No spend forgotten: the report's tokens equal every usage the sessions recorded, over all processes.
    const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
    const spent = rolloutSpend(
      h.home,
      state.segments.map((s: { session_id: string }) => s.session_id),
    );
    expect(report.cost_usd.tokens, `seed ${seed}`).toBeCloseTo(spent, 10);
    expect(report.tokens.input).toBeGreaterThan(0);
  });

  it("SIGINT wraps up as cancelled (report and artifact written, exit 130), and the run can be resumed to the end", async () => {
    h = await startHarness({ steps: [{ times: 10_000, generate: statelessModel(["s1", "s2", "s3"]) }] });
    const child = h.spawn(["run", "--json", "write three files"]);
    child.stdin!.end();
    let stdout = "";
    let interrupted = false;
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      if (!interrupted && stdout.includes('"status":"done"')) {
        interrupted = true;
        child.kill("SIGINT");
      }
    });
    child.stderr!.resume();
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    const events = stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    const done = events.at(-1);
    expect(done).toMatchObject({ type: "run.completed", status: "cancelled" });
    expect(fs.existsSync(done.artifact)).toBe(true);
    const cancelled = JSON.parse(fs.readFileSync(done.report, "utf8"));
    expect(
      cancelled.stages.filter((s: { status: string }) => s.status === "done").length,
    ).toBeGreaterThanOrEqual(1);

    const resumed = await h.run(["run", "resume", done.run_id, "--json"]);
    expect(resumed.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(done.report, "utf8"));
    expect(report.status).toBe("completed");
    expect(report.stages.map((s: { status: string }) => s.status)).toEqual(["done", "done", "done"]);
    const numbers = report.checkpoints.map((c: { n: number }) => c.n);
    expect(numbers).toEqual(numbers.map((_: number, i: number) => i));
  });
});
