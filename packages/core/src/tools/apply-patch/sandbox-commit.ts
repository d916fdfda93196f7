import fs from "node:fs/promises";
import path from "node:path";
import type { SandboxPolicy } from "../../sandbox/policy.js";
import type { CommandRunner } from "../tool.js";
import { failureContext, type PatchCommitter } from "./patch-fs.js";
import type { PatchOp } from "./plan.js";

/**
 * Each operation, as `/bin/sh` arguments: `w DIR FILE STAGED` writes FILE (creating DIR) with the
 * bytes of STAGED; `r FILE` removes FILE (never a folder). After each, a line says it is done;
 * the first failure stops the rest, its tool's message on stderr.
 */
const WRITER_SCRIPT = `i=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    w) { [ -d "$2" ] || mkdir -p -- "$2"; } && cat -- "$4" > "$3"; ok=$?; shift 4 ;;
    r) rm -- "$2"; ok=$?; shift 2 ;;
    *) exit 2 ;;
  esac
  [ "$ok" -eq 0 ] || exit 1
  echo "done $i"
  i=$((i + 1))
done`;

/** Arguments per writer command (bytes); a bigger patch runs in several commands, in order. */
const MAX_ARGUMENT_BYTES = 256 * 1024;

export type SandboxCommitDeps = {
  runCommand: CommandRunner;
  /** The policy to write under (the session's): the kernel decides what may be written. */
  policy: SandboxPolicy;
  /** The session's working directory (the workspace the sandbox makes writable). */
  sandboxCwd: string;
  /** Where new file contents wait for the writer (the session's scratch folder). */
  stagingDir: string;
  signal?: AbortSignal;
};

/**
 * Writes a planned patch from inside the sandbox, with the same mounts, pins and read-only
 * paths as any command of the session. A symlink or folder swapped in between planning and
 * writing (by a command still running, say) can only ever lead to a place the sandbox lets
 * commands write anyway: the kernel resolves every path in the sandbox's own view, where
 * everything outside the writable roots and every protected path is read-only.
 *
 * New contents are staged as files in `stagingDir` (outside the writable roots when it is the
 * session's scratch folder under nightshift's home) and copied in by `cat`; nothing else runs.
 */
export function sandboxCommitter(deps: SandboxCommitDeps): PatchCommitter {
  return async (ops) => {
    await fs.mkdir(deps.stagingDir, { recursive: true, mode: 0o700 });
    const staging = await fs.mkdtemp(path.join(deps.stagingDir, "patch-"));
    try {
      let applied = 0;
      for (const batch of batches(ops)) {
        const args: string[] = [];
        for (const [offset, op] of batch.entries()) {
          if (op.kind === "remove") {
            args.push("r", op.absPath);
            continue;
          }
          const staged = path.join(staging, String(applied + offset));
          await fs.writeFile(staged, op.text, "utf8");
          args.push("w", path.dirname(op.absPath), op.absPath, staged);
        }
        const result = await deps.runCommand({
          argv: ["/bin/sh", "-c", WRITER_SCRIPT, "apply_patch", ...args],
          cwd: deps.sandboxCwd,
          sandboxCwd: deps.sandboxCwd,
          policy: deps.policy,
          timeoutMs: 120_000,
          signal: deps.signal,
          maxOutputBytes: 64 * 1024,
        });
        const done = result.output.split("\n").filter((line) => /^done \d+$/.test(line)).length;
        if (result.sandboxError) {
          return {
            applied: applied + done,
            error: `apply_patch could not write in the sandbox: ${result.sandboxError}`,
          };
        }
        if (result.exitCode !== 0 || done < batch.length) {
          const failed = batch[Math.min(done, batch.length - 1)]!;
          return {
            applied: applied + done,
            error: `${failureContext(failed)}: ${toolMessage(result.output)}`,
          };
        }
        applied += batch.length;
      }
      return { applied };
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  };
}

function* batches(ops: readonly PatchOp[]): Generator<PatchOp[]> {
  let batch: PatchOp[] = [];
  let bytes = 0;
  for (const op of ops) {
    const size = op.absPath.length * 2 + 64;
    if (batch.length > 0 && bytes + size > MAX_ARGUMENT_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(op);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

const KNOWN_MESSAGES: Array<[RegExp, string]> = [
  [/read-only file system/i, "read-only file system"],
  [/is a directory/i, "it is a directory"],
  [/not a directory|file exists/i, "a parent path is not a directory"],
  [/no such file or directory/i, "no such file or directory"],
  [/permission denied/i, "permission denied"],
  [/operation not permitted/i, "operation not permitted"],
  [/no space left/i, "no space left on device"],
];

/** The writer's error line, said the way the other apply_patch errors say it. */
function toolMessage(output: string): string {
  const line = output.split("\n").find((text) => text.trim() !== "" && !/^done \d+$/.test(text)) ?? "";
  const known = KNOWN_MESSAGES.find(([pattern]) => pattern.test(line));
  return known ? known[1] : line.trim() || "the writer failed";
}
