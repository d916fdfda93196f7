import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeSandbox, type SandboxProbe } from "../../src/sandbox/probe.js";
import { createCommandRunner } from "../../src/sandbox/runner.js";
import type { CommandRequest, CommandResult, CommandRunner } from "../../src/tools/tool.js";
import { createHostileTable, livingProcessesWith, read, workspaceWrite } from "./hostile-kit.js";

/**
 * Hostile commands against the real runner in workspace-write mode (network off unless said
 * otherwise), each in a fresh temp workspace with a sibling "outside" directory. Every case
 * asserts containment on the host afterwards; the table printed at the end says what held.
 * More cases: hostile-root.test.ts (root, pinned paths, resources), hostile-tools.test.ts (tools).
 */

const table = createHostileTable("ns-hostile-");
const base = table.base;
const record = table.record;
const makeWorkspace = table.makeWorkspace;
let run: CommandRunner;
let probe: SandboxProbe;
let server: net.Server;
let port = 0;
let connections = 0;
/** Unix socket servers of the test process, in directories outside every workspace. */
const sockets = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-sockets-")));
const unixServers: net.Server[] = [];
let unixConnections = 0;

beforeAll(async () => {
  probe = await probeSandbox();
  if (!probe.available) throw new Error(`the hostile suite needs a sandbox: ${probe.reason}`);
  run = createCommandRunner({
    sandbox: probe,
    env: { PATH: process.env.PATH, HOME: base, OPENAI_API_KEY: "sk-hostile" },
  });
  server = net.createServer((socket) => {
    connections++;
    socket.end("hello from the test\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await Promise.all(unixServers.map((unix) => new Promise((resolve) => unix.close(resolve))));
  fs.rmSync(sockets, { recursive: true, force: true });
  table.finish();
});

function bash(ws: string, script: string, extra: Partial<CommandRequest> = {}): Promise<CommandResult> {
  return run({
    argv: ["bash", "-c", script],
    cwd: ws,
    sandboxCwd: ws,
    timeoutMs: 20_000,
    policy: workspaceWrite(),
    ...extra,
  });
}

/** A Unix socket server (in this process) at `<sockets>/<dir>/<name>` that greets each client. */
async function unixServer(dir: string, name: string): Promise<string> {
  fs.mkdirSync(path.join(sockets, dir), { recursive: true, mode: 0o700 });
  const socketPath = path.join(sockets, dir, name);
  const unix = net.createServer((socket) => {
    unixConnections++;
    socket.end("hello over the unix socket\n");
  });
  await new Promise<void>((resolve) => unix.listen(socketPath, resolve));
  unixServers.push(unix);
  return socketPath;
}

/** A client that connects to the Unix socket given as its argument and prints what it hears. */
const unixClient = (socketPath: string) =>
  `python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print("got:", s.recv(100).decode())' ${socketPath}`;

describe("hostile commands in workspace-write", () => {
  it("cannot write outside the workspace by absolute path", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, `echo pwned > ${w.outside}/new.txt; echo pwned >> ${w.victim}`);
    const held = !fs.existsSync(path.join(w.outside, "new.txt")) && read(w.victim) === "original\n";
    record("write a sibling dir by absolute path", held, result);
  });

  it("cannot write outside through ..", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, "echo pwned > ../outside/dotdot.txt");
    record("write ../outside", !fs.existsSync(path.join(w.outside, "dotdot.txt")), result);
  });

  it("cannot write through a symlink that was already in the workspace", async () => {
    const w = makeWorkspace();
    fs.symlinkSync(w.outside, path.join(w.ws, "link-out"));
    const result = await bash(w.ws, "echo pwned > link-out/via-link.txt; echo pwned >> link-out/victim.txt");
    const held = !fs.existsSync(path.join(w.outside, "via-link.txt")) && read(w.victim) === "original\n";
    record("write through a planted symlink to outside", held, result);
  });

  it("cannot write through a symlink it makes itself", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, `ln -s ${w.outside} mylink && echo pwned > mylink/via-new-link.txt`);
    record(
      "make a symlink to outside, write through it",
      !fs.existsSync(path.join(w.outside, "via-new-link.txt")),
      result,
    );
  });

  it("cannot write through /proc/self/root or /proc/1/root", async () => {
    const w = makeWorkspace();
    const script = `echo pwned > /proc/self/root${w.outside}/a.txt; echo pwned > /proc/1/root${w.outside}/b.txt`;
    const result = await bash(w.ws, script);
    const held =
      !fs.existsSync(path.join(w.outside, "a.txt")) && !fs.existsSync(path.join(w.outside, "b.txt"));
    record("write via /proc/self/root and /proc/1/root", held, result);
  });

  it("cannot hard-link an outside file into the workspace", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, `ln ${w.victim} hard && echo pwned >> hard`);
    record("hard-link an outside file, append to it", read(w.victim) === "original\n", result);
  });

  it("cannot plant a git hook or change .git/config", async () => {
    const w = makeWorkspace();
    const script =
      "printf '#!/bin/sh\\nrm -rf ~\\n' > .git/hooks/pre-commit; echo '[core] fsmonitor = evil' >> .git/config";
    const result = await bash(w.ws, script);
    const held =
      !fs.existsSync(path.join(w.ws, ".git", "hooks", "pre-commit")) && !read(w.gitConfig).includes("evil");
    record("write .git/hooks/pre-commit and .git/config", held, result);
  });

  it("cannot remove or replace .git", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, "rm -rf .git; mv .git .git-old; mkdir -p .git-new && mv .git-new .git");
    const held =
      read(w.gitConfig) === "[core]\n\tbare = false\n" && fs.existsSync(path.join(w.ws, ".git", "hooks"));
    record("rm -rf .git / mv .git away", held, result);
  });

  it("cannot plant a hook in a nested repository", async () => {
    const w = makeWorkspace();
    fs.mkdirSync(path.join(w.ws, "vendor", "lib", ".git", "hooks"), { recursive: true });
    const result = await bash(w.ws, "printf '#!/bin/sh\\nrm -rf ~\\n' > vendor/lib/.git/hooks/post-checkout");
    const held = !fs.existsSync(path.join(w.ws, "vendor", "lib", ".git", "hooks", "post-checkout"));
    record("write vendor/lib/.git/hooks (nested repository)", held, result);
  });

  it("cannot write a protected path (nightshift's home) inside a writable root", async () => {
    const w = makeWorkspace();
    const home = path.join(w.ws, "ns-home");
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, "config.toml"), "");
    const script = `echo '[mcp_servers.evil]' >> ns-home/config.toml; touch ns-home/new; rm -rf ns-home`;
    const result = await bash(w.ws, script, { policy: workspaceWrite({ protectedPaths: [home] }) });
    const held = read(path.join(home, "config.toml")) === "" && !fs.existsSync(path.join(home, "new"));
    record("write policy.protectedPaths (the nightshift home) in the workspace", held, result);
  });

  it("cannot rewrite its own .nightshift config", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, `echo 'sandbox_mode = "danger-full-access"' > .nightshift/config.toml`);
    record(
      "overwrite .nightshift/config.toml",
      read(w.nightshiftConfig) === 'sandbox_mode = "workspace-write"\n',
      result,
    );
  });

  it("cannot rename the workspace directory (read-only parent)", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, "cd .. && mv ws ws-moved");
    const held = fs.existsSync(w.ws) && !fs.existsSync(path.join(path.dirname(w.ws), "ws-moved"));
    record("mv the workspace itself", held, result);
  });

  it("cannot rename the workspace directory even when its parent is writable (/tmp)", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, "cd .. && mv ws ws-moved", {
      policy: workspaceWrite({ excludeSlashTmp: false }),
    });
    const held = fs.existsSync(w.ws) && !fs.existsSync(path.join(path.dirname(w.ws), "ws-moved"));
    record("mv the workspace with /tmp writable", held, result);
  });

  it("cannot remove the workspace directory itself", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, 'rm -rf "$PWD"');
    // Its ordinary contents are the workspace's to delete; the directory and .git stay.
    const held = fs.existsSync(w.ws) && read(w.gitConfig).includes("bare");
    record('rm -rf "$PWD"', held, result);
  });

  it("cannot write system paths", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, "touch /etc/nightshift-pwned; touch /usr/nightshift-pwned");
    const held = !fs.existsSync("/etc/nightshift-pwned") && !fs.existsSync("/usr/nightshift-pwned");
    record("touch /etc and /usr", held, result);
  });

  it("cannot remount the read-only view from a nested user namespace", async () => {
    const w = makeWorkspace();
    const script = `unshare -Urm sh -c 'mount -o remount,rw / ; mount -o remount,rw,bind ${w.outside}; echo pwned > ${w.outside}/remount.txt'`;
    const result = await bash(w.ws, script);
    record("remount rw inside unshare -Urm", !fs.existsSync(path.join(w.outside, "remount.txt")), result);
  });

  it("cannot signal processes outside the sandbox", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, `kill -TERM ${process.pid}`);
    record("kill the agent's own process", result.exitCode !== 0, result);
  });

  it("does not see our secrets", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, "env; cat /proc/1/environ | tr '\\0' '\\n'");
    record(
      "read API keys from env and /proc/1/environ",
      !result.output.includes("sk-hostile"),
      "no sk-hostile in env",
    );
  });

  it("cannot reach a loopback TCP server with network off", async () => {
    const w = makeWorkspace();
    const before = connections;
    const result = await bash(w.ws, `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected && cat <&3`);
    const held = connections === before && !result.output.includes("connected");
    record(`connect to 127.0.0.1:${port} (network off)`, held, result);
    // The seccomp layer refuses the socket itself, below the network namespace.
    expect(result.output).toContain("socket: Operation not permitted");
  });

  it("reaches the loopback server when network access is on", async () => {
    const w = makeWorkspace();
    const before = connections;
    const result = await bash(w.ws, `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`, {
      policy: workspaceWrite({ networkAccess: true }),
    });
    const works = connections === before + 1 && result.output.includes("hello from the test");
    record(`connect to 127.0.0.1:${port} (network on: must work)`, works, result);
  });

  it("cannot connect to a host Unix socket with network off", async () => {
    const w = makeWorkspace();
    const socketPath = await unixServer("plain", "bus.sock");
    const before = unixConnections;
    const result = await bash(w.ws, unixClient(socketPath));
    const held = unixConnections === before && !result.output.includes("got:");
    record("connect to a Unix socket outside the workspace (network off)", held, result);
    // Refused by the seccomp filter: the socket file itself is visible (read-only) here.
    expect(result.output).toContain("Operation not permitted");
  });

  it("cannot connect to a host Unix socket from a terminal session either (network off)", async () => {
    const w = makeWorkspace();
    const socketPath = await unixServer("plain-tty", "bus.sock");
    const before = unixConnections;
    const result = await bash(w.ws, unixClient(socketPath), { tty: true });
    const held = unixConnections === before && !result.output.includes("got:");
    record("connect to a Unix socket from a tty session (network off)", held, result);
    expect(result.output).toContain("Operation not permitted");
  });

  it("connects to the host Unix socket when network access is on", async () => {
    const w = makeWorkspace();
    const socketPath = await unixServer("plain-on", "bus.sock");
    const before = unixConnections;
    const result = await bash(w.ws, unixClient(socketPath), {
      policy: workspaceWrite({ networkAccess: true }),
    });
    const works = unixConnections === before + 1 && result.output.includes("got: hello over the unix socket");
    record("connect to a Unix socket (network on: must work)", works, result);
  });

  it("hides the ssh-agent and runtime-dir sockets even without the seccomp filter", async () => {
    const w = makeWorkspace();
    const agent = await unixServer("ssh-XXXX", "agent.1234");
    const bus = await unixServer("runtime", "bus");
    // Terminal sessions run without the filter; the socket masks are the wall there.
    const noFilter = createCommandRunner({
      sandbox: { ...(probe as Extract<SandboxProbe, { kind: "bwrap" }>), seccomp: false },
      env: { PATH: process.env.PATH, HOME: base, SSH_AUTH_SOCK: agent, XDG_RUNTIME_DIR: path.dirname(bus) },
    });
    const before = unixConnections;
    const script = `${unixClient(agent)}; ${unixClient(bus)}; ls -A ${path.dirname(agent)} ${path.dirname(bus)}`;
    const result = await noFilter({
      argv: ["bash", "-c", script],
      cwd: w.ws,
      sandboxCwd: w.ws,
      timeoutMs: 20_000,
      policy: workspaceWrite(),
    });
    const held = unixConnections === before && !result.output.includes("got:");
    record("reach $SSH_AUTH_SOCK / $XDG_RUNTIME_DIR without seccomp", held, result);
    expect(result.output).toContain("FileNotFoundError");
    expect(result.output).not.toContain("agent.1234");
  });

  it("still has working socketpairs and pipes with network off, but no datagram sockets", async () => {
    const w = makeWorkspace();
    const script = [
      `python3 -c 'import socket; a, b = socket.socketpair(); a.sendall(b"paired"); print(b.recv(10).decode())'`,
      "echo piped | cat",
      `python3 -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)'`,
    ].join("; ");
    const result = await bash(w.ws, script);
    const held =
      result.output.includes("paired") &&
      result.output.includes("piped") &&
      result.output.includes("PermissionError");
    record("socketpair + pipe work, AF_UNIX datagram socket refused", held, result);
  });

  it("cannot write in read-only mode, not even the workspace", async () => {
    const w = makeWorkspace();
    const result = await bash(w.ws, "echo pwned > README.md; touch new.txt", {
      policy: { mode: "read-only", writableRoots: [], networkAccess: false },
    });
    const held =
      read(path.join(w.ws, "README.md")) === "hello\n" && !fs.existsSync(path.join(w.ws, "new.txt"));
    record("write the workspace in read-only mode", held, result);
  });

  it("kills a (bounded) fork bomb completely", async () => {
    const w = makeWorkspace();
    // 2^7 - 1 = 127 shells, each with a sleep: enough to prove the point, too few to hurt.
    const marker = String(900_000 + (process.pid % 90_000));
    const script = `bomb() { if [ "$1" -lt 6 ]; then bomb $(($1 + 1)) & bomb $(($1 + 1)) & fi; echo spawned; sleep ${marker}; }; bomb 0 # bomb-${marker}`;
    const controller = new AbortController();
    let spawned = 0;
    let aliveAtStop = 0;
    const result = await bash(w.ws, script, {
      signal: controller.signal,
      onOutput: (chunk) => {
        spawned += chunk.split("spawned").length - 1;
        if (spawned < 127 || controller.signal.aborted) return;
        aliveAtStop = livingProcessesWith(marker).length;
        controller.abort();
      },
    });
    const survivors = livingProcessesWith(marker);
    const held = result.aborted && aliveAtStop >= 127 && survivors.length === 0;
    const evidence = `${aliveAtStop} processes seen alive at stop, ${survivors.length} left after`;
    record("fork bomb (127 shells), then stop", held, evidence);
  });

  it("keeps memory bounded under huge output", async () => {
    const w = makeWorkspace();
    const total = 200_000_000;
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    let calls = 0;
    const result = await bash(w.ws, `yes | head -c ${total}`, {
      maxOutputBytes: 64 * 1024,
      onOutput: () => {
        if (++calls % 64 === 0) peak = Math.max(peak, process.memoryUsage.rss());
      },
    });
    const grownMb = Math.round((peak - baseline) / 1e6);
    const held = result.totalBytes === total && result.output.length < 70_000 && grownMb < 64;
    record(
      "print 200 MB",
      held,
      `${result.totalBytes} bytes seen, ${result.output.length} kept, rss +${grownMb} MB`,
    );
  });
});
