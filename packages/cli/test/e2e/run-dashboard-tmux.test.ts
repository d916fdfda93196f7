import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { RecordedRequest, StepSpec } from "@nightshift/testkit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BIN, type Harness, startHarness } from "./harness.js";
import { statelessModel } from "./run-script.js";
import { envArgs, TmuxTerminal } from "./tmux-terminal.js";

let h: Harness | undefined;
let term: TmuxTerminal | undefined;
afterEach(async () => {
  term?.kill();
  await h?.close();
  h = undefined;
  term = undefined;
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape codes
const COLOUR = /\u001b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;[0-9;]+)(?:;[0-9;]*)?m/;

/**
 * The scripted model of run-script.ts, except that stage s1's command waits on a FIFO the test
 * opens: the run is "going on" exactly as long as the test wants, with no sleeps.
 */
function gatedModel(stages: string[], fifo: string) {
  const model = statelessModel(stages);
  return (request: RecordedRequest): StepSpec => {
    const step = model(request);
    const call = step.response?.output?.[0] as
      | { name?: string; arguments?: { command?: string[] } }
      | undefined;
    const command = call?.name === "shell" ? call.arguments?.command : undefined;
    if (command && command[2] === "echo s1 > s1.txt") command[2] = `cat ${fifo} > s1.txt`;
    return step;
  };
}

describe("the run dashboard in a real terminal (tmux)", { timeout: 180_000 }, () => {
  it("nightshift run shows a live dashboard; run attach follows it from another process, detaches, and sees it finish", async () => {
    // The FIFO lives in the workspace (the sandbox hides the rest of /tmp), out of the checkpoints.
    h = await startHarness({ steps: [{ times: 1000, generate: gatedModel(["s1", "s2"], ".gate.fifo") }] });
    const base = path.dirname(h.workspace);
    const fifo = path.join(h.workspace, ".gate.fifo");
    fs.writeFileSync(path.join(h.workspace, ".gitignore"), ".gate.fifo\n");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    term = new TmuxTerminal(base, { ...h.env, TERM: "xterm-256color" });
    const nightshift = (...args: string[]) => ["env", ...envArgs(h!.env), process.execPath, BIN, ...args];

    // An 80x24 terminal runs the task: the dashboard shows the stages, the step, spend and time.
    term.start("run", { columns: 80, rows: 24 }, h.workspace, [
      ...nightshift(
        "run",
        "--max-cost",
        "5",
        "--hourly-fee",
        "1",
        "--hours",
        "2",
        "--output",
        "none",
        "write two files",
      ),
    ]);
    const waiting = await term.waitFor("run", /Step +\$ bash -lc 'cat \.gate\.fifo > s1\.txt'/);
    expect(waiting).toMatch(/nightshift run (\d{8}-\d{6}-[0-9a-f]{6}) · working/);
    expect(waiting).toContain("Task       write two files");
    expect(waiting).toMatch(/› ▸ s1 write s1\.txt \(in progress\)/);
    expect(waiting).toMatch(/ {2}○ s2 write s2\.txt/);
    expect(waiting).toMatch(/Checkpoint #0 green · 0h00m\d\ds into the run/);
    expect(waiting).toMatch(/Spend +\[[█░]{30}\] \$\d+\.\d\d of \$5\.00 \(\d+%\)/);
    expect(waiting).toMatch(/Time +\d+m\d\ds worked · 1h5\dm left of 2h/);
    expect(waiting).toContain("Ctrl-C cancels the run");
    expect(term.screen("run", true)).toMatch(COLOUR);
    // The clock moves on its own (re-drawn every second) while the command waits.
    const worked = () => /(\d+m\d\ds) worked/.exec(term!.screen("run"))?.[1];
    const before = worked();
    await vi.waitFor(() => expect(worked()).not.toBe(before), { timeout: 10_000, interval: 50 });
    const runId = /nightshift run (\d{8}-\d{6}-[0-9a-f]{6})/.exec(waiting)![1]!;

    // A second process attaches (by a prefix of the id) on a wide terminal without colour, and detaches.
    term.start("peek", { columns: 160, rows: 40 }, h.workspace, [
      "env",
      "NO_COLOR=1",
      ...nightshift("run", "attach", runId.slice(0, 18)),
    ]);
    const peek = await term.waitFor("peek", /› ▸ s1 write s1\.txt \(in progress\)/);
    expect(peek).toContain(`nightshift run ${runId} · working`);
    expect(peek).toContain("Ctrl-C detaches: the run goes on");
    expect(peek).toMatch(/Spend +\[[█░]{40}\] \$\d+\.\d\d of \$5\.00/);
    expect(term.screen("peek", true)).not.toMatch(COLOUR);
    term.keys("peek", "C-c");
    expect(await term.exitCode("peek")).toBe(130);
    expect(term.screen("peek")).toContain(`detached from run ${runId}; it goes on`);
    expect(term.screen("run")).toMatch(/· working/);

    // Attached again, it follows the run to its end once the test lets the command finish.
    term.start("attach", { columns: 100, rows: 30 }, h.workspace, nightshift("run", "attach", runId));
    await term.waitFor("attach", /› ▸ s1 write s1\.txt \(in progress\)/);
    await fs.promises.writeFile(fifo, "s1\n");
    const attached = await term.waitFor("attach", /completed: /);
    expect(attached).toMatch(/✓ s1 write s1\.txt/);
    expect(attached).toMatch(/✓ s2 write s2\.txt/);
    expect(attached).toContain(`nightshift run ${runId} · completed`);
    expect(attached).toMatch(/report: .*report\.json/);
    expect(await term.exitCode("attach")).toBe(0);

    const finished = await term.waitFor("run", /completed: /);
    expect(finished).toContain(`nightshift run ${runId} · completed`);
    expect(finished).toMatch(/✓ s2 write s2\.txt/);
    expect(finished).toMatch(/Checkpoint #\d+ green/);
    expect(await term.exitCode("run")).toBe(0);
    // Redrawn in place: one dashboard in the scrollback, however often it changed.
    expect(finished.match(/nightshift run \d{8}-/g)).toHaveLength(1);
    expect(attached.match(/nightshift run \d{8}-/g)).toHaveLength(1);
    expect(fs.readFileSync(path.join(h.workspace, "s1.txt"), "utf8")).toBe("s1\n");
    expect(h.server.failures).toEqual([]);
  });

  it("Ctrl-C under the dashboard cancels the run as before: it wraps up, says so, and exits 130", async () => {
    h = await startHarness({ steps: [{ times: 1000, generate: gatedModel(["s1"], ".gate.fifo") }] });
    fs.writeFileSync(path.join(h.workspace, ".gitignore"), ".gate.fifo\n");
    expect(spawnSync("mkfifo", [path.join(h.workspace, ".gate.fifo")]).status).toBe(0);
    term = new TmuxTerminal(path.dirname(h.workspace), { ...h.env, TERM: "xterm-256color" });
    const inner = ["env", ...envArgs(h.env), process.execPath, BIN, "run", "--output", "none", "write a file"]
      .map((arg) => `'${arg.replace(/'/g, "'\\''")}'`)
      .join(" ");
    // The status as the user's shell reports it (tmux's own wrapper shell also gets the Ctrl-C).
    term.start("run", { columns: 80, rows: 24 }, h.workspace, ["bash", "-c", `${inner}; echo "[exit $?]"`]);
    await term.waitFor("run", /Step +\$ bash -lc 'cat \.gate\.fifo > s1\.txt'/);
    term.keys("run", "C-c");
    await term.waitFor("run", "SIGINT: wrapping up the run (press again to stop at once)");
    const screen = await term.waitFor("run", /cancelled: cancelled by the user/);
    expect(screen).toMatch(/nightshift run \S+ · cancelled/);
    await term.waitFor("run", /\[exit \d+\]/);
    expect(term.screen("run")).toContain("[exit 130]");
  });

  it("attach shows an ended run and exits; without a terminal it prints the event lines; an unknown id is an error", async () => {
    h = await startHarness({ steps: [{ times: 1000, generate: statelessModel(["s1"]) }] });
    const done = await h.run(["run", "--json", "--output", "none", "write a file"]);
    expect(done.code).toBe(0);
    const runId = h.jsonEvents(done)[0].run_id as string;

    const plain = await h.run(["run", "attach", runId]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(`run ${runId}: started`);
    expect(plain.stderr).toContain("stage s1: done");
    expect(plain.stderr).toContain(`run ${runId}: completed`);
    expect(plain.stdout).toMatch(/^completed: /);

    const base = path.dirname(h.workspace);
    term = new TmuxTerminal(base, { ...h.env, TERM: "xterm-256color" });
    term.start("ended", { columns: 80, rows: 24 }, h.workspace, [
      "env",
      ...envArgs(h.env),
      process.execPath,
      BIN,
      "run",
      "attach",
      runId,
    ]);
    expect(await term.exitCode("ended")).toBe(0);
    const screen = term.screen("ended");
    expect(screen).toContain(`nightshift run ${runId} · completed`);
    expect(screen).toMatch(/✓ s1 write s1\.txt/);
    expect(screen).toMatch(/completed: /);

    const unknown = await h.run(["run", "attach", "19990101"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nightshift: no run 19990101 under .*runs \(see nightshift run list\)/);
  });
});
