import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findBwrap, probeSandbox } from "../../src/sandbox/probe.js";

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-probe-")));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function fakeBwrap(name: string, script: string): string {
  const file = path.join(base, name);
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
}

describe("probeSandbox", () => {
  it("finds a working bubblewrap with the seccomp filter on this machine", async () => {
    // Wherever this machine installed it: the shell's own lookup in the system folders is the oracle.
    const PATH = process.env.PATH ?? "/usr/bin:/bin";
    const expected = execFileSync("sh", ["-c", "command -v bwrap"], {
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
      encoding: "utf8",
    }).trim();
    const probe = await probeSandbox({ env: { PATH }, cwd: base });
    expect(probe).toMatchObject({ available: true, kind: "bwrap", bwrapPath: expected, seccomp: true });
    // Root gets the PID-namespace cap (Linux 6.14+), anyone else RLIMIT_NPROC through prlimit.
    const cap = probe.available && probe.kind === "bwrap" ? probe.processCap : null;
    const [major = 0, minor = 0] = os.release().split(".").map(Number);
    const pidCap = major > 6 || (major === 6 && minor >= 14);
    if (process.getuid?.() !== 0) expect(cap?.kind).toBe("rlimit");
    else expect(cap?.kind ?? null).toBe(pidCap ? "pid-namespace" : null);
  });

  it("explains a bwrap that cannot create user namespaces", async () => {
    const broken = fakeBwrap(
      "bwrap-no-userns",
      "echo 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces' >&2; exit 1",
    );
    const probe = await probeSandbox({ bwrapPath: broken });
    expect(probe.available).toBe(false);
    if (probe.available) return;
    expect(probe.reason).toContain("No permissions to creating new namespace");
    expect(probe.reason).toContain("user namespaces look disabled");
  });

  it("explains a bwrap that cannot mount /proc", async () => {
    const broken = fakeBwrap(
      "bwrap-no-proc",
      "echo 'bwrap: Can'\\''t mount proc on /newroot/proc: Operation not permitted' >&2; exit 1",
    );
    const probe = await probeSandbox({ bwrapPath: broken });
    expect(probe).toMatchObject({
      available: false,
      reason: expect.stringContaining("unprivileged container"),
    });
  });

  it("falls back to no seccomp when only the filter is refused", async () => {
    const noSeccomp = fakeBwrap(
      "bwrap-no-seccomp",
      'case "$*" in *--seccomp*) echo "bwrap: seccomp" >&2; exit 1;; esac; exit 0',
    );
    expect(await probeSandbox({ bwrapPath: noSeccomp, processCap: null })).toEqual({
      available: true,
      kind: "bwrap",
      bwrapPath: noSeccomp,
      seccomp: false,
      processCap: null,
    });
  });

  it("says how to install bubblewrap when there is none", async () => {
    const probe = await probeSandbox({ bwrapPath: path.join(base, "nope") });
    expect(probe).toMatchObject({
      available: false,
      reason: expect.stringContaining("apt-get install bubblewrap"),
    });
  });

  it("has no sandbox on other platforms", async () => {
    expect(await probeSandbox({ platform: "win32" })).toEqual({
      available: false,
      reason: "no sandbox implementation for win32",
    });
    // This machine has no /usr/bin/sandbox-exec.
    expect(await probeSandbox({ platform: "darwin" })).toMatchObject({ available: false });
  });
});

describe("findBwrap", () => {
  it("ignores a bwrap planted inside the workspace", () => {
    const ws = path.join(base, "ws");
    fs.mkdirSync(path.join(ws, "bin"), { recursive: true });
    fs.writeFileSync(path.join(ws, "bin", "bwrap"), "#!/bin/sh\n", { mode: 0o755 });
    const system = execFileSync("sh", ["-c", "command -v bwrap"], {
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
      encoding: "utf8",
    }).trim();
    expect(findBwrap(`${ws}/bin:relative/bin:${path.dirname(system)}`, [ws])).toBe(system);
    // Under /tmp (world-writable) it is not taken even when the workspace is elsewhere.
    expect(findBwrap(`${ws}/bin`, [path.join(base, "elsewhere")])).toBe(system);
  });
});
