import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildBwrapArgs, hostSocketMasks, type SocketMask, wrapWithBwrap } from "../../src/sandbox/bwrap.js";
import type { SandboxPolicy } from "../../src/sandbox/policy.js";
import { buildSeatbeltProfile, wrapWithSeatbelt } from "../../src/sandbox/seatbelt.js";
import { buildNetworkSeccompFilter } from "../../src/sandbox/seccomp.js";

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-bwrap-")));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function workspace(name: string): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const write = (extra: Partial<SandboxPolicy> = {}): SandboxPolicy => ({
  mode: "workspace-write",
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
  ...extra,
});

/** The `--flag a b` triples of an argv, as "flag a b" strings. */
function binds(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [`${args[i + 1]} ${args[i + 2]}`] : []));
}

describe("buildBwrapArgs", () => {
  it("makes everything read-only, then the roots writable, then protected paths read-only", () => {
    const ws = workspace("order");
    fs.mkdirSync(path.join(ws, ".git", "hooks"), { recursive: true });
    fs.mkdirSync(path.join(ws, ".nightshift"));
    const args = buildBwrapArgs({ policy: write(), cwd: ws, env: {} });
    const rootRo = args.indexOf("--ro-bind");
    const bind = args.indexOf("--bind-try");
    const gitRo = args.lastIndexOf("--ro-bind-try");
    expect(args.slice(rootRo, rootRo + 3)).toEqual(["--ro-bind", "/", "/"]);
    expect(rootRo).toBeLessThan(bind);
    expect(bind).toBeLessThan(gitRo);
    expect(binds(args, "--bind-try")).toEqual([`${ws} ${ws}`]);
    expect(binds(args, "--ro-bind")).toEqual(["/ /"]);
    expect(binds(args, "--ro-bind-try")).toEqual([
      `${ws}/.git ${ws}/.git`,
      `${ws}/.nightshift ${ws}/.nightshift`,
    ]);
    expect(args).toEqual(
      expect.arrayContaining(["--unshare-user", "--unshare-pid", "--unshare-net", "--new-session"]),
    );
    expect(args.slice(args.indexOf("--cap-drop"), args.indexOf("--cap-drop") + 2)).toEqual([
      "--cap-drop",
      "ALL",
    ]);
    expect(args.slice(-2)).toEqual(["--chdir", ws]);
  });

  it("protects the git directory a .git file points to, and its common dir", () => {
    const main = workspace("main-repo");
    fs.mkdirSync(path.join(main, ".git", "worktrees", "wt"), { recursive: true });
    fs.mkdirSync(path.join(main, ".git", "objects"));
    fs.writeFileSync(path.join(main, ".git", "HEAD"), "ref: refs/heads/main\n");
    fs.writeFileSync(path.join(main, ".git", "worktrees", "wt", "HEAD"), "ref: refs/heads/wt\n");
    fs.writeFileSync(path.join(main, ".git", "worktrees", "wt", "commondir"), "../..\n");
    const wt = workspace("worktree");
    fs.writeFileSync(path.join(wt, ".git"), `gitdir: ${main}/.git/worktrees/wt\n`);
    // With both repositories inside writable roots, the worktree's git dirs are bound read-only.
    const ro = binds(
      buildBwrapArgs({ policy: write({ writableRoots: [main] }), cwd: wt, env: {} }),
      "--ro-bind-try",
    );
    expect(ro).toEqual([
      `${wt}/.git ${wt}/.git`,
      `${main}/.git ${main}/.git`,
      `${main}/.git/worktrees/wt ${main}/.git/worktrees/wt`,
    ]);
    // Outside every writable root they are read-only already: nothing to bind.
    const alone = binds(buildBwrapArgs({ policy: write(), cwd: wt, env: {} }), "--ro-bind-try");
    expect(alone).toEqual([`${wt}/.git ${wt}/.git`]);
  });

  it("does not let a .git file elsewhere turn an ordinary workspace folder read-only", () => {
    const ws = workspace("gitdir-victim");
    fs.mkdirSync(path.join(ws, "src"));
    const other = workspace("gitdir-other");
    fs.writeFileSync(path.join(other, ".git"), `gitdir: ${ws}/src\n`);
    const args = buildBwrapArgs({ policy: write({ writableRoots: [other] }), cwd: ws, env: {} });
    expect(binds(args, "--ro-bind-try")).toEqual([`${other}/.git ${other}/.git`]);
  });

  it("resolves roots through symlinks and skips missing ones", () => {
    const real = workspace("real");
    const link = path.join(base, "link");
    fs.symlinkSync(real, link);
    const args = buildBwrapArgs({
      policy: write({ writableRoots: [link, path.join(base, "missing")] }),
      cwd: real,
      env: {},
    });
    expect(binds(args, "--bind-try")).toEqual([`${real} ${real}`]);
  });

  it("adds /tmp and $TMPDIR unless excluded, and anchors the folders between them and the workspace", () => {
    const ws = workspace("tmp/deeper/ws");
    const tmpdir = workspace("tmpdir");
    const args = buildBwrapArgs({
      policy: write({ excludeSlashTmp: false, excludeTmpdirEnvVar: false }),
      cwd: ws,
      env: { TMPDIR: tmpdir },
    });
    // Every folder from /tmp down to the workspace is its own mount point, shallow ones first.
    // (Repositories elsewhere in /tmp, the other cases' among them, are anchored too.)
    const mounted = binds(args, "--bind-try").map((pair) => pair.split(" ")[0]!);
    const between = [base, path.join(base, "tmp"), path.join(base, "tmp", "deeper")];
    expect(mounted).toEqual(expect.arrayContaining(["/tmp", ...between, ws, tmpdir]));
    expect(mounted[0]).toBe("/tmp");
    const depths = mounted.map((dir) => dir.split("/").length);
    expect(depths).toEqual([...depths].sort((a, b) => a - b));
  });

  it("binds nothing writable in read-only mode and keeps the network with network access", () => {
    const ws = workspace("ro");
    const args = buildBwrapArgs({
      policy: { mode: "read-only", writableRoots: [], networkAccess: true },
      cwd: ws,
      env: {},
    });
    expect(binds(args, "--bind")).toEqual([]);
    expect(args).not.toContain("--unshare-net");
  });

  it("wraps the command after --", () => {
    const ws = workspace("wrap");
    const argv = wrapWithBwrap("/usr/bin/bwrap", ["ls", "-la"], {
      policy: write(),
      cwd: ws,
      env: {},
      seccompFd: 3,
    });
    expect(argv[0]).toBe("/usr/bin/bwrap");
    expect(argv.slice(-3)).toEqual(["--", "ls", "-la"]);
    expect(argv).toEqual(expect.arrayContaining(["--seccomp", "3"]));
  });
});

/** The `--tmpfs` mounts of an argv below `dir` (this machine may have an X11 or docker socket of its own). */
function tmpfsUnder(args: string[], dir: string): string[] {
  return args.flatMap((arg, i) => (arg === "--tmpfs" && args[i + 1]!.startsWith(dir) ? [args[i + 1]!] : []));
}

const ours = (masks: SocketMask[]) => masks.filter((mask) => mask.path.startsWith(base));

describe("host socket masks", () => {
  it("hides the ssh-agent's and the runtime directories last, after every writable bind", () => {
    const ws = workspace("masks");
    const agentDir = workspace("ssh-agent-dir");
    fs.writeFileSync(path.join(agentDir, "agent.1"), "");
    const runtime = workspace("runtime-dir");
    const args = buildBwrapArgs({
      policy: write({ excludeSlashTmp: false }),
      cwd: ws,
      env: { SSH_AUTH_SOCK: path.join(agentDir, "agent.1"), XDG_RUNTIME_DIR: runtime },
      uid: 4_000_000, // no /run/user/<uid> for it
    });
    expect(tmpfsUnder(args, base)).toEqual([runtime, agentDir]);
    // A later `--bind /tmp /tmp` would bring them back: the masks come after the last bind.
    expect(args.indexOf("--tmpfs")).toBeGreaterThan(args.lastIndexOf("--bind-try"));
    expect(args.indexOf("--tmpfs")).toBeGreaterThan(args.lastIndexOf("--ro-bind-try"));
  });

  it("hides host sockets with network access too (the network is not what they open)", () => {
    const runtime = workspace("runtime-on");
    const args = buildBwrapArgs({
      policy: write({ networkAccess: true }),
      cwd: workspace("masks-on"),
      env: { XDG_RUNTIME_DIR: runtime },
    });
    expect(args.join(" ")).toContain(`--tmpfs ${fs.realpathSync(runtime)}`);
  });

  it("keeps hiding a socket directory when the command is told to run inside it", () => {
    const runtime = workspace("runtime-chdir");
    const args = buildBwrapArgs({
      policy: write(),
      cwd: workspace("masks-chdir"),
      chdir: runtime,
      env: { XDG_RUNTIME_DIR: runtime },
    });
    expect(args.join(" ")).toContain(`--tmpfs ${fs.realpathSync(runtime)}`);
  });

  it("hides only the agent socket when it sits directly in home", () => {
    const home = workspace("agent-in-home");
    const socket = path.join(home, "agent.sock");
    fs.writeFileSync(socket, "");
    const args = buildBwrapArgs({
      policy: write(),
      cwd: workspace("masks-home"),
      env: { HOME: home, SSH_AUTH_SOCK: socket },
    });
    expect(args.join(" ")).toContain(`--ro-bind /dev/null ${fs.realpathSync(socket)}`);
    expect(args.join(" ")).not.toContain(`--tmpfs ${fs.realpathSync(home)}`);
  });

  it("masks only the agent's socket when its directory holds the workspace", () => {
    const ws = workspace("agent-home/ws");
    const socket = path.join(base, "agent-home", "agent.sock");
    fs.writeFileSync(socket, "");
    expect(ours(hostSocketMasks({ SSH_AUTH_SOCK: socket }, undefined, [ws]))).toEqual([
      { kind: "file", path: socket },
    ]);
    const args = buildBwrapArgs({ policy: write(), cwd: ws, env: { SSH_AUTH_SOCK: socket }, uid: 4_000_000 });
    expect(binds(args, "--ro-bind")).toContain(`/dev/null ${socket}`);
    expect(tmpfsUnder(args, base)).toEqual([]);
  });

  it("skips what does not exist, follows symlinks, and keeps relative paths out", () => {
    const real = workspace("runtime-real");
    const link = path.join(base, "runtime-link");
    fs.symlinkSync(real, link);
    expect(
      ours(
        hostSocketMasks({ XDG_RUNTIME_DIR: link, SSH_AUTH_SOCK: "relative/agent.sock" }, 4_000_000, [
          workspace("elsewhere"),
        ]),
      ),
    ).toEqual([{ kind: "dir", path: real }]);
    expect(ours(hostSocketMasks({ XDG_RUNTIME_DIR: path.join(base, "missing") }, 4_000_000, []))).toEqual([]);
  });
});

describe("protected paths under bwrap", () => {
  it("binds the policy's protectedPaths read-only inside a root, and ignores ones outside or missing", () => {
    const ws = workspace("protected-policy");
    const home = path.join(ws, "ns-home");
    fs.mkdirSync(home);
    const outside = workspace("protected-outside");
    const args = buildBwrapArgs({
      policy: write({ protectedPaths: [home, outside, path.join(ws, "missing")] }),
      cwd: ws,
      env: {},
    });
    expect(binds(args, "--ro-bind-try")).toEqual([`${home} ${home}`]);
  });

  it("finds nested repositories at any depth, in hidden folders too, but not inside node_modules", () => {
    const ws = workspace("nested");
    for (const dir of ["a/.git", "b/c/.git", "node_modules/pkg/.git", ".cache/x/.git", "d/e/f/g/h/.git"]) {
      fs.mkdirSync(path.join(ws, dir), { recursive: true });
    }
    fs.mkdirSync(path.join(ws, "sub-module"));
    fs.writeFileSync(path.join(ws, "sub-module", ".git"), "gitdir: ../a/.git\n");
    const args = buildBwrapArgs({ policy: write(), cwd: ws, env: {} });
    const ro = binds(args, "--ro-bind-try").map((pair) => pair.split(" ")[0]);
    expect(ro.sort()).toEqual(
      ["a/.git", "b/c/.git", ".cache/x/.git", "d/e/f/g/h/.git", "sub-module/.git"]
        .map((p) => `${ws}/${p}`)
        .sort(),
    );
    // The folders above each one are anchored (their own mount points), so none can be renamed.
    const anchors = binds(args, "--bind-try").map((pair) => pair.split(" ")[0]);
    for (const dir of [
      "b",
      ".cache",
      ".cache/x",
      "d",
      "d/e",
      "d/e/f",
      "d/e/f/g",
      "d/e/f/g/h",
      "sub-module",
    ]) {
      expect(anchors).toContain(`${ws}/${dir}`);
    }
    expect(anchors).not.toContain(`${ws}/node_modules`);
  });
});

describe("buildNetworkSeccompFilter", () => {
  it("assembles whole instructions for the arches we know", () => {
    for (const arch of ["x64", "arm64"]) {
      const filter = buildNetworkSeccompFilter(arch);
      expect(filter).not.toBeNull();
      expect(filter!.length % 8).toBe(0);
      // Last instruction: return EPERM.
      expect(filter!.readUInt16LE(filter!.length - 8)).toBe(0x06);
      expect(filter!.readUInt32LE(filter!.length - 4)).toBe(0x00050001);
    }
    expect(buildNetworkSeccompFilter("riscv64")).toBeNull();
  });
});

describe("seatbelt profile", () => {
  it("passes paths as parameters and protects subdirectories", () => {
    const ws = workspace("seatbelt");
    fs.mkdirSync(path.join(ws, ".git"));
    const { profile, params } = buildSeatbeltProfile(write(), ws, {});
    expect(params).toEqual({
      WRITABLE_ROOT_0: ws,
      READ_ONLY_0: `${ws}/.git`,
      PINNED_0: ws,
      PINNED_1: `${ws}/.git`,
    });
    expect(profile).toContain('(require-not (subpath (param "READ_ONLY_0")))');
    expect(profile).toContain('(deny file-write* (literal (param "PINNED_0")))');
    expect(profile).not.toContain(ws);
    expect(profile).not.toContain("network-outbound");
    const argv = wrapWithSeatbelt("/usr/bin/sandbox-exec", ["ls"], {
      policy: write({ networkAccess: true }),
      cwd: ws,
      env: {},
    });
    expect(argv[2]).toContain("(allow network-outbound");
    expect(argv).toContain(`-DWRITABLE_ROOT_0=${ws}`);
    expect(argv.slice(-2)).toEqual(["--", "ls"]);
  });

  it("allows no writes at all in read-only mode", () => {
    const { profile, params } = buildSeatbeltProfile(
      { mode: "read-only", writableRoots: [], networkAccess: false },
      "/",
      {},
    );
    expect(params).toEqual({});
    expect(profile).not.toContain("(allow file-write* (require-all");
  });
});
