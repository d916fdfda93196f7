import { applyPatchHere } from "@nightshift/core/apply-patch";

export type ApplyPatchCommandArgs = {
  /** The patch text; when absent (or "-") it is read from stdin. */
  patch?: string;
  cwd: string;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
};

const USAGE = "Usage: nightshift apply-patch 'PATCH'\n       echo 'PATCH' | nightshift apply-patch\n";

/**
 * `nightshift apply-patch [PATCH]`: applies a patch in the working directory and only there:
 * nothing outside it, nothing in its `.git` (or `.agents`, `.codex`, `.nightshift`), nothing
 * through a symlink (see `applyPatchHere`). Exit 0 on success, 1 when the patch fails or is
 * refused, 2 for usage errors.
 */
export async function runApplyPatchCommand(args: ApplyPatchCommandArgs): Promise<number> {
  let patch = args.patch;
  if (patch === undefined || patch === "-") {
    if ((args.stdin as { isTTY?: boolean }).isTTY) {
      args.stderr.write(USAGE);
      return 2;
    }
    patch = await readAll(args.stdin);
  }
  if (patch.trim() === "") {
    args.stderr.write(USAGE);
    return 2;
  }

  const result = await applyPatchHere(patch, args.cwd);
  if (result.ok) {
    args.stdout.write(`${result.summary}\n`);
    return 0;
  }
  args.stderr.write(`${result.error}\n`);
  if (result.changes.length > 0) {
    const applied = result.changes
      .map((change) => `${change.kind} ${change.movePath ?? change.path}`)
      .join(", ");
    args.stderr.write(`Applied before the failure (not rolled back): ${applied}\n`);
  }
  return 1;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
