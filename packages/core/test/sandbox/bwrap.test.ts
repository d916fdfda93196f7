import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildBwrapArgs, wrapWithBwrap } from "../../src/sandbox/bwrap.js";
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
    const bind = args.indexOf("--bind");
    const gitRo = args.lastIndexOf("--ro-bind");
    expect(args.slice(rootRo, rootRo + 3)).toEqual(["--ro-bind", "/", "/"]);
    expect(rootRo).toBeLessThan(bind);
    expect(bind).toBeLessThan(gitRo);
    expect(binds(args, "--bind")).toEqual([`${ws} ${ws}`]);
    expect(binds(args, "--ro-bind")).toEqual([
      "/ /",
      `${ws}/.git ${ws}/.git`,
      `${ws}/.nightshift ${ws}/.nightshift`,
    ]);
    expect(args).toEqual(
      expect.arrayContaining(["--unshare-user", "--unshare-pid", "--unshare-net", "--new-session"]),
    );
    expect(args.slice(-2)).toEqual(["--chdir", ws]);
  });

  it("protects the git directory a .git file points to, and its common dir", () => {
    const main = workspace("main-repo");
    fs.mkdirSync(path.join(main, ".git", "worktrees", "wt"), { recursive: true });
    fs.writeFileSync(path.join(main, ".git", "worktrees", "wt", "commondir"), "../..\n");
    const wt = workspace("worktree");
    fs.writeFileSync(path.join(wt, ".git"), `gitdir: ${main}/.git/worktrees/wt\n`);
    const ro = binds(buildBwrapArgs({ policy: write(), cwd: wt, env: {} }), "--ro-bind");
    expect(ro).toEqual([
      "/ /",
      `${wt}/.git ${wt}/.git`,
      `${main}/.git/worktrees/wt ${main}/.git/worktrees/wt`,
      `${main}/.git ${main}/.git`,
    ]);
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
    expect(binds(args, "--bind")).toEqual([`${real} ${real}`]);
  });

  it("adds /tmp and $TMPDIR unless excluded", () => {
    const ws = workspace("tmp");
    const tmpdir = workspace("tmpdir");
    const args = buildBwrapArgs({
      policy: write({ excludeSlashTmp: false, excludeTmpdirEnvVar: false }),
      cwd: ws,
      env: { TMPDIR: tmpdir },
    });
    expect(binds(args, "--bind")).toEqual([`${ws} ${ws}`, "/tmp /tmp", `${tmpdir} ${tmpdir}`]);
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
    expect(params).toEqual({ WRITABLE_ROOT_0: ws, WRITABLE_ROOT_0_RO_0: `${ws}/.git` });
    expect(profile).toContain('(require-not (subpath (param "WRITABLE_ROOT_0_RO_0")))');
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
