import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isPathWritable, type SandboxPolicy } from "../../src/sandbox/policy.js";

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-policy-")));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const ws = path.join(base, "ws");
fs.mkdirSync(ws);

const write = (extra: Partial<SandboxPolicy> = {}): SandboxPolicy => ({
  mode: "workspace-write",
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
  ...extra,
});

const writable = (target: string, policy = write()) => isPathWritable(policy, ws, target, {});

describe("isPathWritable", () => {
  it("allows the workspace and refuses its protected folders at any depth", () => {
    expect(writable(path.join(ws, "src", "a.ts"))).toBe(true);
    expect(writable(path.join(ws, ".git", "config"))).toBe(false);
    expect(writable(path.join(ws, "vendor", "lib", ".git", "hooks", "pre-commit"))).toBe(false);
    expect(writable(path.join(ws, "a", ".agents", "skill.md"))).toBe(false);
    expect(writable(path.join(ws, "a", ".nightshift"))).toBe(false);
    expect(writable(path.join(ws, "a", ".CODEX", "config.toml"))).toBe(false);
    expect(writable(path.join(ws, "a", ".gitignore"))).toBe(true);
    expect(writable(path.join(ws, "a", "x.git", "y"))).toBe(true);
  });

  it("keeps a protected folder of an inner root read-only when an enclosing root covers it", () => {
    const policy = write({ writableRoots: [base] });
    expect(writable(path.join(ws, ".git", "HEAD"), policy)).toBe(false);
    expect(writable(path.join(base, "other.txt"), policy)).toBe(true);
  });

  it("treats `<root>/..x` as inside the root and `<root>/../x` as outside", () => {
    expect(writable(path.join(ws, "..x"))).toBe(true);
    expect(writable(path.join(ws, "..", "x"))).toBe(false);
    expect(writable(`${ws}-sibling/file`)).toBe(false);
  });

  it("refuses protectedPaths inside a root, as given or through symlinks, existing or not", () => {
    const home = path.join(ws, "ns-home");
    fs.mkdirSync(home, { recursive: true });
    const link = path.join(base, "home-link");
    fs.symlinkSync(home, link);
    const missing = path.join(ws, "not-yet");
    const policy = write({ protectedPaths: [link, missing] });
    expect(writable(path.join(home, "config.toml"), policy)).toBe(false);
    expect(writable(home, policy)).toBe(false);
    expect(writable(path.join(missing, "config.toml"), policy)).toBe(false);
    expect(writable(path.join(ws, "ns-home-2", "x"), policy)).toBe(true);
  });

  it("follows the mode", () => {
    const target = path.join(ws, "a.txt");
    expect(isPathWritable({ ...write(), mode: "read-only" }, ws, target)).toBe(false);
    expect(isPathWritable({ ...write(), mode: "danger-full-access" }, ws, path.join(ws, ".git"))).toBe(true);
  });
});
