import fs from "node:fs";
import path from "node:path";
import { isPathWritable, type SandboxPolicy } from "../../sandbox/policy.js";
import { type PatchHunk, parsePatch } from "./parser.js";
import { diskCommitter, type PatchCommitter } from "./patch-fs.js";
import { patchTargets } from "./paths.js";
import { type PatchChange, planPatch } from "./plan.js";

export type { PatchChange } from "./plan.js";

export type ApplyPatchResult =
  | { ok: true; summary: string; changes: PatchChange[] }
  /** `changes` lists the hunks applied before the failure: nothing is rolled back. */
  | { ok: false; error: string; changes: PatchChange[] };

export type ApplyPatchOptions = {
  cwd: string;
  /** Asked with the real path (symlinks resolved) of every entry the patch writes or removes. */
  canWrite?: (absPath: string) => boolean;
  /**
   * Change nothing unless every hunk applies. Off by default: the hunks before a failing one are
   * then applied, as the reference tool does. Either way every hunk is worked out in memory first
   * (`planPatch`), each file read and patched once, and only then written.
   */
  verifyFirst?: boolean;
  /** How the planned changes are written (default: in this process, see `diskCommitter`). */
  commit?: PatchCommitter;
};

/** Parses and applies a patch. Relative paths are resolved against `options.cwd`. */
export async function applyPatch(text: string, options: ApplyPatchOptions): Promise<ApplyPatchResult> {
  const parsed = parsePatch(text);
  if (!parsed.ok) return { ok: false, error: parsed.error, changes: [] };
  return applyHunks(parsed.hunks, options);
}

/**
 * A patch applied "here", as `nightshift apply-patch` does it (no sandbox runs it): only inside
 * `cwd`, never in its `.git`, `.agents`, `.codex` or `.nightshift` (at any depth), and never
 * through a symbolic link (see `diskCommitter`'s `confineTo`). `../x`, absolute paths elsewhere,
 * a Move to `../`, a symlinked folder and `.git/hooks` are all refused before anything is written.
 */
export async function applyPatchHere(text: string, cwd: string): Promise<ApplyPatchResult> {
  const here = path.resolve(cwd);
  const real = fs.realpathSync(here);
  const policy: SandboxPolicy = {
    mode: "workspace-write",
    writableRoots: [],
    networkAccess: false,
    excludeSlashTmp: true,
    excludeTmpdirEnvVar: true,
  };
  return applyPatch(text, {
    cwd: here,
    canWrite: (target) => isPathWritable(policy, here, target) || isPathWritable(policy, real, target),
    commit: diskCommitter({ confineTo: here }),
  });
}

/** Applies parsed hunks in order, stopping at the first failure. */
export async function applyHunks(
  hunks: readonly PatchHunk[],
  options: ApplyPatchOptions,
): Promise<ApplyPatchResult> {
  if (hunks.length === 0) {
    return {
      ok: false,
      error: "The patch contains no file operations, so no files were modified.",
      changes: [],
    };
  }
  if (options.canWrite) {
    const refused = (await patchTargets(hunks, options.cwd)).find(
      (target) => !options.canWrite?.(target.realPath),
    );
    if (refused) {
      const where = refused.realPath === refused.absPath ? "" : ` (it resolves to ${refused.realPath})`;
      return {
        ok: false,
        error: `Refusing to apply the patch: ${refused.path}${where} is outside the writable area. No files were modified.`,
        changes: [],
      };
    }
  }
  const plan = await planPatch(hunks, options.cwd);
  if (plan.error !== undefined && options.verifyFirst) {
    return { ok: false, error: `${plan.error}\nNo files were modified.`, changes: [] };
  }
  const commit = options.commit ?? diskCommitter();
  const committed = await commit(plan.ops);
  if (committed.error !== undefined) {
    // A hunk counts as applied when all of its operations were.
    const failedHunk = plan.ops[committed.applied]?.hunk ?? plan.changes.length;
    return { ok: false, error: committed.error, changes: plan.changes.slice(0, failedHunk) };
  }
  if (plan.error !== undefined) return { ok: false, error: plan.error, changes: plan.changes };
  return { ok: true, summary: summarize(plan.changes), changes: plan.changes };
}

/** `Success. Updated the following files:` then `A`dded, `M`odified (a move shows its destination), `D`eleted. */
export function summarize(changes: readonly PatchChange[]): string {
  const lines = ["Success. Updated the following files:"];
  for (const change of changes) if (change.kind === "add") lines.push(`A ${change.path}`);
  for (const change of changes)
    if (change.kind === "update") lines.push(`M ${change.movePath ?? change.path}`);
  for (const change of changes) if (change.kind === "delete") lines.push(`D ${change.path}`);
  return lines.join("\n");
}
