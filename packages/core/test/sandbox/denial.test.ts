import { describe, expect, it } from "vitest";
import { isLikelySandboxDenial } from "../../src/sandbox/denial.js";
import type { CommandResult } from "../../src/tools/tool.js";

const result = (
  exitCode: number | null,
  output: string,
  extra: Partial<CommandResult> = {},
): CommandResult => ({
  exitCode,
  signal: null,
  totalLines: 0,
  output,
  timedOut: false,
  aborted: false,
  durationMs: 1,
  totalBytes: output.length,
  ...extra,
});

describe("isLikelySandboxDenial", () => {
  it.each([
    [result(1, "touch: cannot touch 'x': Read-only file system"), true],
    [result(1, "mkdir: cannot create directory '/opt/x': Permission denied"), true],
    [result(7, "curl: (6) Could not resolve host: example.com"), true],
    [result(1, "bash: socket: Operation not permitted"), true],
    [result(null, "", { signal: "SIGSYS" }), true],
    [result(null, "", { sandboxError: "no sandbox" }), true],
    [result(0, "permission denied"), false],
    [result(1, "3 tests failed"), false],
    [result(2, "sh: 1: cannot create /x/y: Read-only file system"), true],
    [result(2, "grep: invalid option -- 'y'"), false],
    [result(126, "permission denied"), false],
    [result(127, "sandbox: command not found"), false],
    [result(null, "Permission denied", { timedOut: true }), false],
    [result(null, "Permission denied", { aborted: true }), false],
  ])("%j -> %s", (input, expected) => {
    expect(isLikelySandboxDenial(input)).toBe(expected);
  });
});
