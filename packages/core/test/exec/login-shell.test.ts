import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginShellSnapshot, loginScript } from "../../src/exec/login-shell.js";
import type { SandboxMode, SandboxPolicy } from "../../src/sandbox/policy.js";
import { probeSandbox, type SandboxProbe } from "../../src/sandbox/probe.js";
import { createCommandRunner } from "../../src/sandbox/runner.js";
import { shellTool } from "../../src/tools/shell/tool.js";
import type { CommandRunner } from "../../src/tools/tool.js";
import { makeToolContext } from "../tools/context.js";

/**
 * The login-shell snapshot against real bash in the real bubblewrap sandbox: each case writes a
 * `~/.profile`, then runs the same `bash -lc` script as it is (reading the profile) and through
 * the snapshot, and compares.
 */

let probe: SandboxProbe;
const dirs: string[] = [];
beforeAll(async () => {
  probe = await probeSandbox();
  if (!probe.available) throw new Error(`these tests need a sandbox: ${probe.reason}`);
});
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

type Setup = {
  home: string;
  ws: string;
  scratch: string;
  outside: string;
  run: CommandRunner;
  policy: SandboxPolicy;
};

/** A home (the workspace's parent, outside the writable roots) with `profile`, and a workspace in it. */
function setup(profile: string, mode: SandboxMode = "workspace-write"): Setup {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-login-")));
  dirs.push(base);
  const home = path.join(base, "home");
  const ws = path.join(home, "ws");
  const scratch = path.join(base, "scratch");
  const outside = path.join(base, "outside");
  for (const dir of [ws, scratch, outside]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(home, ".profile"), profile);
  const run = createCommandRunner({ sandbox: probe, env: { PATH: process.env.PATH, HOME: home } });
  const policy: SandboxPolicy = {
    mode,
    writableRoots: [],
    networkAccess: false,
    excludeSlashTmp: true,
    excludeTmpdirEnvVar: true,
  };
  return { home, ws, scratch, outside, run, policy };
}

async function runArgv(s: Setup, argv: string[], policy = s.policy): Promise<string> {
  const result = await s.run({ argv, cwd: s.ws, sandboxCwd: s.ws, timeoutMs: 20_000, policy });
  return result.output;
}

async function viaSnapshot(
  s: Setup,
  snapshot: LoginShellSnapshot,
  script: string,
  policy = s.policy,
): Promise<{ argv: string[]; output: string }> {
  const { argv } = await snapshot.commandFor(["bash", "-lc", script], {
    runCommand: s.run,
    policy: s.policy,
    cwd: s.ws,
    scratchDir: s.scratch,
  });
  return { argv, output: await runArgv(s, argv, policy) };
}

const PROFILE = [
  'export GREETING="hello from the profile"',
  "export MULTI='two",
  'lines with "quotes" and $dollars\'',
  'export PATH="$HOME/bin:$PATH"',
  "unset PAGER",
  'greet() { echo "greet: $1"; }',
  "shared() { echo shared; }",
  "export -f shared",
  "shopt -s expand_aliases",
  "alias ll='echo ll-alias'",
  "set -o pipefail",
  "echo 'Welcome to the machine'",
  "echo 'some warning' >&2",
].join("\n");

const SCRIPT = [
  'echo "$GREETING"',
  'echo "$MULTI"',
  'echo "$PATH" | cut -d: -f1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${...}, on purpose
  'echo "pager=${PAGER-unset}"',
  "greet there",
  "bash -c shared",
  "ll",
  "false | true; echo pipefail=$?",
  "echo sandbox=$NIGHTSHIFT_SANDBOX",
].join("\n");

describe("LoginShellSnapshot", () => {
  it("gives a bash -lc script what the profile gives it: variables, unsets, functions, aliases, options", async () => {
    const s = setup(PROFILE);
    const snapshot = new LoginShellSnapshot();
    const real = await runArgv(s, ["bash", "-lc", SCRIPT]);
    const { argv, output } = await viaSnapshot(s, snapshot, SCRIPT);
    expect(argv[1]).toBe("-c");
    expect(real).toContain("hello from the profile");
    expect(real).toContain("Welcome to the machine");
    // Everything but the profile's own greeting (printed once, at capture) is the same.
    // (stdout and stderr come through two pipes: their order varies).
    expect(output).toBe(real.replace("Welcome to the machine\n", "").replace("some warning\n", ""));
    expect(output).toContain(`greet: there\nshared\nll-alias\npipefail=1\nsandbox=workspace-write`);
  });

  it("runs the profile once per session", async () => {
    const s = setup(`echo run >> "$HOME/ws/profile-runs"\nexport X=1`);
    const snapshot = new LoginShellSnapshot();
    for (let i = 0; i < 3; i++) expect((await viaSnapshot(s, snapshot, "echo $X")).output).toBe("1\n");
    expect(fs.readFileSync(path.join(s.ws, "profile-runs"), "utf8")).toBe("run\n");
  });

  it("works in read-only mode too", async () => {
    const s = setup("export RO=yes", "read-only");
    const { argv, output } = await viaSnapshot(s, new LoginShellSnapshot(), "echo $RO");
    expect(argv[1]).toBe("-c");
    expect(output).toBe("yes\n");
  });

  it("never carries one run's sandbox markers into another", async () => {
    const s = setup("export A=1");
    const snapshot = new LoginShellSnapshot();
    await viaSnapshot(s, snapshot, "true");
    const unsandboxed = { ...s.policy, mode: "danger-full-access" as const };
    const { output } = await viaSnapshot(
      s,
      snapshot,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${...}, on purpose
      "echo $NIGHTSHIFT_SANDBOX ${NIGHTSHIFT_SANDBOX_NETWORK_DISABLED-none}",
      unsandboxed,
    );
    expect(output).toBe("danger-full-access none\n");
  });

  it("keeps the hostile profile in the sandbox while it is captured", async () => {
    const s = setup("");
    fs.writeFileSync(
      path.join(s.home, ".profile"),
      `echo pwned > ${s.outside}/file; echo pwned > $HOME/file\nexport Y=2`,
    );
    const { output } = await viaSnapshot(s, new LoginShellSnapshot(), "echo $Y");
    expect(output).toBe("2\n");
    expect(fs.existsSync(path.join(s.outside, "file"))).toBe(false);
    expect(fs.existsSync(path.join(s.home, "file"))).toBe(false);
  });

  const failing: Array<[string, string]> = [
    ["exits", "exit 3"],
    ["replaces the shell", "exec sh -c 'echo replaced'"],
    ["overrides a builtin the capture uses", "declare() { echo hijacked; }"],
    ["floods its output", "head -c 3000000 /dev/zero | tr '\\0' x"],
  ];
  it.each(failing)(
    "falls back to bash -lc when the profile %s, and does not try again",
    async (_, profile) => {
      const s = setup(profile);
      const runs: string[][] = [];
      const counting: CommandRunner = (request) => {
        runs.push(request.argv);
        return s.run(request);
      };
      // The default timeout: these profiles fail fast, they do not hang (a short one fails under load).
      const snapshot = new LoginShellSnapshot();
      const options = { runCommand: counting, policy: s.policy, cwd: s.ws, scratchDir: s.scratch };
      expect(await snapshot.commandFor(["bash", "-lc", "echo hi"], options)).toEqual({
        argv: ["bash", "-lc", "echo hi"],
      });
      const attempts = runs.length;
      expect(await snapshot.commandFor(["bash", "-lc", "echo again"], options)).toEqual({
        argv: ["bash", "-lc", "echo again"],
      });
      expect(runs.length).toBe(attempts);
      expect(fs.readdirSync(s.scratch)).toEqual([]);
    },
  );

  it("runs scripts without a profile that hangs (it would hang every command), and says so", async () => {
    const s = setup("while :; do :; done");
    const runs: string[][] = [];
    const counting: CommandRunner = (request) => {
      runs.push(request.argv);
      return s.run(request);
    };
    const snapshot = new LoginShellSnapshot({ timeoutMs: 500 });
    const options = { runCommand: counting, policy: s.policy, cwd: s.ws, scratchDir: s.scratch };
    for (const script of ["echo hi", "echo again"]) {
      const command = await snapshot.commandFor(["bash", "-lc", script], options);
      expect(command.argv).toEqual(["bash", "-c", script]);
      expect(command.note).toMatch(/login profile did not finish within 0.5 s/);
    }
    expect(runs).toHaveLength(1);
  });

  it("falls back when the snapshot cannot be written", async () => {
    const s = setup("export Z=1");
    const { argv } = await new LoginShellSnapshot().commandFor(["bash", "-lc", "echo $Z"], {
      runCommand: s.run,
      policy: s.policy,
      cwd: s.ws,
      scratchDir: path.join(s.scratch, "missing"),
    });
    expect(argv).toEqual(["bash", "-lc", "echo $Z"]);
  });

  it("tries again after a capture the caller aborted", async () => {
    const s = setup("export W=1");
    const snapshot = new LoginShellSnapshot();
    const abort = new AbortController();
    abort.abort();
    const options = { runCommand: s.run, policy: s.policy, cwd: s.ws, scratchDir: s.scratch };
    expect(
      await snapshot.commandFor(["bash", "-lc", "echo $W"], { ...options, signal: abort.signal }),
    ).toEqual({ argv: ["bash", "-lc", "echo $W"] });
    const { output } = await viaSnapshot(s, snapshot, "echo $W");
    expect(output).toBe("1\n");
  });

  it("leaves every other command alone without running the profile", async () => {
    const s = setup("export Q=1");
    const runs: string[][] = [];
    const options = {
      runCommand: (request: Parameters<CommandRunner>[0]) => {
        runs.push(request.argv);
        return s.run(request);
      },
      policy: s.policy,
      cwd: s.ws,
      scratchDir: s.scratch,
    };
    const snapshot = new LoginShellSnapshot();
    for (const argv of [["ls"], ["bash", "-c", "echo $Q"], ["sh", "-lc", "echo"], ["zsh", "-lc", "echo"]])
      expect(await snapshot.commandFor(argv, options)).toEqual({ argv });
    expect(runs).toEqual([]);
  });
});

describe("the shell tool with a session's snapshot", () => {
  it("runs bash -lc through it and shows the command as the model wrote it", async () => {
    const s = setup(`echo run >> "$HOME/ws/profile-runs"\nexport FROM_PROFILE=yes`);
    const { ctx } = makeToolContext(s.ws, {
      policy: s.policy,
      runCommand: s.run,
      scratchDir: s.scratch,
      loginShell: new LoginShellSnapshot(),
    });
    const command = ["bash", "-lc", "echo $FROM_PROFILE"];
    for (let i = 0; i < 2; i++) {
      const result = await shellTool.execute(shellTool.parameters.parse({ command }), ctx);
      expect(result.output).toMatch(/Output:\nyes\n/);
      expect(result.display).toMatchObject({ kind: "command", command: "bash -lc 'echo $FROM_PROFILE'" });
    }
    expect(fs.readFileSync(path.join(s.ws, "profile-runs"), "utf8")).toBe("run\n");
  });
});

describe("the shell tool when the profile hangs", () => {
  it("tells the model the script ran without it", async () => {
    const s = setup("while :; do :; done");
    const { ctx } = makeToolContext(s.ws, {
      policy: s.policy,
      runCommand: s.run,
      scratchDir: s.scratch,
      loginShell: new LoginShellSnapshot({ timeoutMs: 500 }),
    });
    const command = ["bash", "-lc", "echo ran"];
    const result = await shellTool.execute(shellTool.parameters.parse({ command }), ctx);
    expect(result.output).toMatch(/login profile did not finish within 0.5 s.*\nOutput:\nran\n/s);
  });
});

describe("loginScript", () => {
  it("recognises the login forms of bash", () => {
    expect(loginScript(["bash", "-lc", "ls"])).toEqual({ shell: "bash", script: "ls", rest: [] });
    expect(loginScript(["/bin/bash", "-l", "-c", "ls", "zero", "one"])).toEqual({
      shell: "/bin/bash",
      script: "ls",
      rest: ["zero", "one"],
    });
    expect(loginScript(["bash", "--login", "-c", "ls"])?.script).toBe("ls");
    expect(loginScript(["bash", "-c", "ls"])).toBeNull();
    expect(loginScript(["bash", "-lc"])).toBeNull();
    expect(loginScript(["dash", "-lc", "ls"])).toBeNull();
  });
});
