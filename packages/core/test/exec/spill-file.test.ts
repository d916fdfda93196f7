import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../../src/exec/run-process.js";
import { SpillFile } from "../../src/exec/spill-file.js";

// Every write to /dev/full fails with ENOSPC: a full disk on demand.
const FULL = "/dev/full";

describe("SpillFile", () => {
  it("stops quietly on a full disk and remembers why", () => {
    const spill = new SpillFile(FULL);
    expect(() => spill.write(Buffer.from("hello\n"))).not.toThrow();
    expect(spill.error).toMatchObject({ code: "ENOSPC" });
    expect(() => spill.write(Buffer.from("more\n"))).not.toThrow();
    expect(() => spill.close()).not.toThrow();
  });

  it("writes normally and has no error when the disk has room", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ns-spill-")), "out.log");
    const spill = new SpillFile(file, 8);
    spill.write(Buffer.from("0123456789"));
    spill.close();
    expect(spill.error).toBeNull();
    expect(fs.readFileSync(file, "utf8")).toMatch(/^01234567\n\[\.\.\. output truncated/);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it("lets a command's output through when its spill file cannot be written", async () => {
    const result = await runProcess({
      argv: ["sh", "-c", "echo BEGIN; yes | head -c 200000; echo END"],
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      timeoutMs: 20_000,
      maxOutputBytes: 1024 * 1024,
      spillFile: FULL,
    });
    expect(result.exitCode).toBe(0);
    expect(result.totalBytes).toBe(200_000 + "BEGIN\nEND\n".length);
    expect(result.output.endsWith("y\nEND\n")).toBe(true);
  });
});
