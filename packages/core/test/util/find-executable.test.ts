import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findExecutable } from "../../src/util/find-executable.js";

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-find-exe-")));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function plant(dir: string, name: string, mode = 0o755): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, "#!/bin/sh\n", { mode });
  return file;
}

describe("findExecutable", () => {
  const ws = path.join(base, "ws");
  const trusted = path.join(base, "trusted-bin");
  const good = plant(trusted, "tool");
  plant(path.join(ws, "bin"), "tool");

  it("skips relative entries and entries inside the excluded roots", () => {
    const search = [path.join(ws, "bin"), "bin", ".", "", trusted].join(path.delimiter);
    expect(findExecutable("tool", search, { exclude: [ws] })).toBe(good);
    expect(findExecutable("tool", search)).toBe(path.join(ws, "bin", "tool"));
  });

  it("skips a PATH entry that is a symlink into an excluded root, and a file that links into one", () => {
    const linkedDir = path.join(base, "linked-bin");
    fs.symlinkSync(path.join(ws, "bin"), linkedDir);
    expect(findExecutable("tool", linkedDir, { exclude: [ws] })).toBeNull();
    const shim = path.join(base, "shim-bin");
    fs.mkdirSync(shim);
    fs.symlinkSync(path.join(ws, "bin", "tool"), path.join(shim, "tool"));
    expect(findExecutable("tool", shim, { exclude: [ws] })).toBeNull();
  });

  it("needs an executable regular file", () => {
    const dir = path.join(base, "odd");
    plant(dir, "not-exec", 0o644);
    fs.mkdirSync(path.join(dir, "a-dir"));
    expect(findExecutable("not-exec", dir)).toBeNull();
    expect(findExecutable("a-dir", dir)).toBeNull();
    expect(findExecutable("missing", dir)).toBeNull();
  });
});
