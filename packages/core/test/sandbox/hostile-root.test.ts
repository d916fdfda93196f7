import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeSandbox, type SandboxProbe } from "../../src/sandbox/probe.js";
import { createCommandRunner } from "../../src/sandbox/runner.js";
import { SessionPins } from "../../src/sandbox/session-pins.js";
import type { CommandRequest, CommandResult, CommandRunner } from "../../src/tools/tool.js";
import { createHostileTable, livingProcessesWith, read, workspaceWrite } from "./hostile-kit.js";

/**
 * Hostile commands that go after the sandbox itself: root's capabilities, the paths the sandbox
 * is built from (renamed or swapped under the session), repositories in other writable roots,
 * the sandbox binary, and resources (processes, datagram sockets). Runs as root in CI.
 */

const table = createHostileTable("ns-hostile-root-");
const { base, record, makeWorkspace } = table;
let probe: Extract<SandboxProbe, { kind: "bwrap" }>;
let run: CommandRunner;
const asRoot = process.getuid?.() === 0;

beforeAll(async () => {
  const found = await probeSandbox();
  if (!found.available || found.kind !== "bwrap") throw new Error("the hostile suite needs bubblewrap");
  probe = found;
  run = createCommandRunner({ sandbox: probe, env: { PATH: process.env.PATH, HOME: base } });
});
afterAll(() => table.finish());

function bash(
  ws: string,
  script: string,
  extra: Partial<CommandRequest> = {},
  runner: CommandRunner = run,
): Promise<CommandResult> {
  const argv = ["bash", "-c", script];
  return runner({ argv, cwd: ws, sandboxCwd: ws, timeoutMs: 30_000, policy: workspaceWrite(), ...extra });
}

/** A runner of its own (its own pins), as one session has. */
const sessionRunner = (pins = new SessionPins()) =>
  createCommandRunner({ sandbox: probe, env: { PATH: process.env.PATH, HOME: base }, pins });

describe("root inside the sandbox", () => {
  it("has no capability left", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, "grep -E '^Cap(Eff|Prm|Bnd|Amb)' /proc/self/status");
    const held = /CapEff:\s+0+\n/.test(result.output) && /CapBnd:\s+0+\n/.test(result.output);
    record(
      `capabilities in the sandbox (${asRoot ? "as root" : "unprivileged"})`,
      held,
      result.output.replace(/\s+/g, " "),
    );
  });

  it("cannot remount / read-write or unmount the read-only .git", async () => {
    const w = makeWorkspace();
    const script = [
      `mount -o remount,bind,rw / && echo pwned > ${w.outside}/remounted.txt`,
      `mount -o remount,bind,rw ${w.ws}/.git && echo pwned > ${w.ws}/.git/hooks/remounted`,
      `umount ${w.ws}/.git && echo pwned > ${w.ws}/.git/hooks/unmounted`,
      `umount -l ${w.ws} && echo pwned > ${w.ws}/.git/hooks/lazy`,
    ].join("; ");
    const result = await bash(w.ws, script);
    const hooks = fs.readdirSync(path.join(w.ws, ".git", "hooks"));
    const held = !fs.existsSync(path.join(w.outside, "remounted.txt")) && hooks.length === 0;
    record("mount -o remount,rw / and umount .git", held, result);
  });
});

describe("paths the sandbox is built from", () => {
  it("cannot rename a folder above the workspace to swap a symlink in (writable /tmp)", async () => {
    const w = makeWorkspace();
    const parent = path.dirname(w.ws);
    const script = `cd ${path.dirname(parent)} && mv ${path.basename(parent)} swapped && mkdir ${path.basename(parent)} && ln -s / ${parent}/ws`;
    const result = await bash(w.ws, script, { policy: workspaceWrite({ excludeSlashTmp: false }) });
    const held = fs.lstatSync(w.ws).isDirectory() && fs.existsSync(w.gitConfig);
    record("rename the workspace's parent, plant ws -> / (/tmp writable)", held, result);
  });

  it("refuses every command once the workspace was swapped from outside", async () => {
    const w = makeWorkspace();
    const session = sessionRunner();
    const policy = workspaceWrite({ excludeSlashTmp: false });
    const first = await bash(w.ws, "true", { policy }, session);
    expect(first.exitCode).toBe(0);
    // Something outside the sandbox (an approved command, another program) swaps the workspace.
    const parent = path.dirname(w.ws);
    fs.renameSync(parent, `${parent}-moved`);
    fs.mkdirSync(parent);
    fs.symlinkSync(w.outside.replace(parent, `${parent}-moved`), w.ws);
    const result = await bash(w.ws, "echo pwned > now-writable.txt", { policy }, session);
    const held =
      result.sandboxError?.includes("the workspace") === true &&
      !fs.existsSync(path.join(`${parent}-moved`, "outside", "now-writable.txt"));
    record("swap the workspace for a symlink between commands", held, result.sandboxError ?? result);
  });

  it("cannot rename nightshift's home away under a writable /tmp and plant a config", async () => {
    const w = makeWorkspace();
    const holder = path.join(base, "home-holder", "deeper");
    const home = path.join(holder, "ns-home");
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, "config.toml"), "");
    const policy = workspaceWrite({ excludeSlashTmp: false, protectedPaths: [home] });
    const script = [
      `mv ${home} ${home}-old; mkdir -p ${home} && echo '[mcp_servers.evil]' > ${home}/config.toml`,
      `mv ${path.dirname(holder)} ${path.dirname(holder)}-old; mkdir -p ${home} && echo '[mcp_servers.evil]' > ${home}/config.toml`,
    ].join("; ");
    const result = await bash(w.ws, script, { policy });
    const held = read(path.join(home, "config.toml")) === "" && !fs.existsSync(`${home}-old`);
    record("rename NIGHTSHIFT_HOME (or a folder above it) in /tmp, plant config.toml", held, result);
  });

  it("cannot move a nested repository into a hidden folder to write its hooks", async () => {
    const w = makeWorkspace();
    fs.mkdirSync(path.join(w.ws, "vendor", "lib", ".git", "hooks"), { recursive: true });
    const script =
      "mv vendor .hidden; mkdir -p .hidden/lib/.git/hooks; echo 'rm -rf ~' > .hidden/lib/.git/hooks/post-checkout; mv .hidden vendor";
    const result = await bash(w.ws, script);
    const held =
      !fs.existsSync(path.join(w.ws, "vendor", "lib", ".git", "hooks", "post-checkout")) &&
      !fs.existsSync(path.join(w.ws, ".hidden"));
    record("move vendor/lib (a nested repo) into .hidden, write its hooks", held, result);
  });

  it("protects nested repositories at any depth and in hidden folders", async () => {
    const w = makeWorkspace();
    const deep = ["a/b/c/d/e/.git", ".cache/tool/repo/.git"];
    for (const dir of deep) fs.mkdirSync(path.join(w.ws, dir, "hooks"), { recursive: true });
    const script = deep.map((dir) => `echo x > ${dir}/hooks/pre-commit`).join("; ");
    const result = await bash(w.ws, script);
    const held = deep.every((dir) => !fs.existsSync(path.join(w.ws, dir, "hooks", "pre-commit")));
    record("write hooks of repos 5 levels down and under a hidden folder", held, result);
  });

  it("refuses to run when the search for repositories hits its bound", async () => {
    const w = makeWorkspace();
    for (let i = 0; i < 30; i++) fs.mkdirSync(path.join(w.ws, "many", `d${i}`), { recursive: true });
    const small = sessionRunner(new SessionPins({ maxScannedDirectories: 20 }));
    const result = await bash(w.ws, "echo ran > ran.txt", {}, small);
    const held =
      result.sandboxError?.includes("more than 20 folders") === true &&
      !fs.existsSync(path.join(w.ws, "ran.txt"));
    record("a tree too big to search completely (bound 20)", held, result.sandboxError ?? result);
  });

  it("protects repositories in other writable roots", async () => {
    const w = makeWorkspace();
    const other = path.join(path.dirname(w.ws), "other-root");
    for (const dir of [".git/hooks", "clone/.git/hooks", "x/y/z/.git/hooks"]) {
      fs.mkdirSync(path.join(other, dir), { recursive: true });
    }
    const script = [".git", "clone/.git", "x/y/z/.git"]
      .map((dir) => `echo x > ${other}/${dir}/hooks/post-merge`)
      .join("; ");
    const result = await bash(w.ws, script, { policy: workspaceWrite({ writableRoots: [other] }) });
    const written = [".git", "clone/.git", "x/y/z/.git"].filter((dir) =>
      fs.existsSync(path.join(other, dir, "hooks", "post-merge")),
    );
    record("write hooks of repos in another writable root", written.length === 0, result);
  });

  it("does not let a gitdir: file in another root make a workspace folder read-only", async () => {
    const w = makeWorkspace();
    fs.mkdirSync(path.join(w.ws, "src"));
    const other = path.join(path.dirname(w.ws), "gitdir-root");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, ".git"), `gitdir: ${w.ws}/src\n`);
    const result = await bash(w.ws, "echo ok > src/still-writable.txt", {
      policy: workspaceWrite({ writableRoots: [other] }),
    });
    record(
      "gitdir: <workspace>/src in another root",
      fs.existsSync(path.join(w.ws, "src", "still-writable.txt")),
      result,
    );
  });

  it("keeps running when a protected path vanishes after the search", async () => {
    const w = makeWorkspace();
    fs.mkdirSync(path.join(w.ws, "sub", ".agents"), { recursive: true });
    const session = sessionRunner();
    await bash(w.ws, "true", {}, session);
    // Another program removes it after the search found it, before the next sandbox starts.
    fs.rmSync(path.join(w.ws, "sub", ".agents"), { recursive: true });
    const result = await bash(w.ws, "echo ran", {}, session);
    record("protected path removed between search and sandbox start", result.exitCode === 0, result);
  });
});

describe("the sandbox binary", () => {
  it("never takes bwrap from a writable root or a folder others can write", async () => {
    const w = makeWorkspace();
    fs.mkdirSync(path.join(w.ws, "bin"));
    fs.writeFileSync(path.join(w.ws, "bin", "bwrap"), '#!/bin/sh\nshift $#; exec "$@"\n', { mode: 0o755 });
    const shared = path.join(base, "shared-bin");
    fs.mkdirSync(shared, { mode: 0o777 });
    fs.chmodSync(shared, 0o777);
    fs.copyFileSync(path.join(w.ws, "bin", "bwrap"), path.join(shared, "bwrap"));
    fs.chmodSync(path.join(shared, "bwrap"), 0o755);
    const found = await probeSandbox({ env: { PATH: `${w.ws}/bin:${shared}:/usr/bin` }, cwd: w.ws });
    const held = found.available && found.kind === "bwrap" && found.bwrapPath === "/usr/bin/bwrap";
    record(
      "plant bwrap in the workspace and in a world-writable PATH folder",
      held,
      JSON.stringify(found).slice(0, 100),
    );
  });
});

describe("resources", () => {
  it("caps the processes of one command (a 1,000-process fork bomb)", async () => {
    const w = makeWorkspace();
    const marker = `bomb${process.pid}x${Date.now() % 100_000}`;
    const script = `python3 -c '
import os, sys, time
n = 0
for i in range(1000):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(120)
        os._exit(0)
    n += 1
print("forked", n)
sys.stdout.flush()
' ${marker}`;
    const result = await bash(w.ws, script);
    const forked = Number(/forked (\d+)/.exec(result.output)?.[1] ?? "-1");
    const survivors = livingProcessesWith(marker);
    const held = forked >= 0 && forked < 512 && survivors.length === 0;
    record(
      "fork 1,000 sleeping processes",
      held,
      `${forked} forks succeeded (cap 512), ${survivors.length} left after`,
    );
  });

  it("stops on SIGTERM alone: the process cap's wrapper does not shield the command", async () => {
    const w = makeWorkspace();
    // No SIGKILL fallback within the test's time: only the first SIGTERM can end the command.
    const patient = createCommandRunner({
      sandbox: probe,
      env: { PATH: process.env.PATH },
      killGraceMs: 600_000,
    });
    const stop = new AbortController();
    const marker = `${Date.now() % 100_000}.321`;
    const running = bash(
      w.ws,
      `echo started; sleep ${marker}`,
      {
        signal: stop.signal,
        onOutput: (text) => {
          if (text.includes("started")) stop.abort();
        },
      },
      patient,
    );
    const result = await running;
    const left = livingProcessesWith(marker);
    record(
      "stop a sandboxed command with SIGTERM (no SIGKILL)",
      result.aborted && left.length === 0,
      `aborted, ${left.length} left`,
    );
  });

  it("cannot reach a host datagram socket through a socketpair (network off)", async () => {
    const w = makeWorkspace();
    const receiver = await datagramReceiver(path.join(base, "dgram.sock"));
    const script = `python3 -c 'import socket, sys; a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); a.sendto(b"leak", sys.argv[1]); print("sent")' ${receiver.path}`;
    const result = await bash(w.ws, script);
    const got = await receiver.check();
    receiver.stop();
    const held = got === "nothing" && !result.output.includes("sent");
    record(
      "sendto a host datagram socket from a socketpair",
      held,
      `${firstOutput(result)}; host got ${got}`,
    );
  });
});

function firstOutput(result: CommandResult): string {
  return result.output.trim().split("\n").pop() ?? "";
}

/** A datagram socket on the host (a python3 process) that says, when asked, what it received. */
async function datagramReceiver(socketPath: string) {
  const code = [
    "import socket, sys",
    "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
    "s.bind(sys.argv[1])",
    "s.setblocking(False)",
    'print("ready", flush=True)',
    "for line in sys.stdin:",
    "    try:",
    '        print("got:" + s.recv(100).decode(), flush=True)',
    "    except BlockingIOError:",
    '        print("nothing", flush=True)',
  ].join("\n");
  const child: ChildProcessWithoutNullStreams = spawn("python3", ["-c", code, socketPath]);
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  await lines.next();
  return {
    path: socketPath,
    async check(): Promise<string> {
      child.stdin.write("check\n");
      return String((await lines.next()).value);
    },
    stop: () => child.kill(),
  };
}
