import fs from "node:fs";
import path from "node:path";
import {
  findSession,
  nightshiftHome,
  readSessionChanges,
  type SessionRef,
  SetupError,
} from "@nightshift/core";
import { GitError, git, gitText } from "@nightshift/core/git";
import type { ExecIo } from "../exec/exec-options.js";

export type ApplyOptions = {
  sessionId?: string;
  /** The checkout to apply to (default: the current folder). */
  cd?: string;
  /** Print the patch instead of applying it. */
  diff?: boolean;
  /** Merge with git's three-way apply, leaving conflict markers where it cannot. */
  threeWay?: boolean;
};

/**
 * `nightshift apply`: the changes a session made to its workspace, applied to another checkout
 * (the current folder). All or nothing: when a hunk does not fit, no file is touched.
 */
export async function runApplyCommand(options: ApplyOptions, io: ExecIo): Promise<number> {
  const fail = (message: string, code = 1) => {
    io.stderr.write(`nightshift apply: ${message}\n`);
    return code;
  };
  const home = nightshiftHome(io.env);
  let ref: SessionRef;
  try {
    ref = findSession(options.sessionId ? { id: options.sessionId } : { last: true, all: true }, io.cwd, {
      home,
    });
  } catch (err) {
    if (err instanceof SetupError) return fail(err.message);
    throw err;
  }
  const changes = await readSessionChanges({ home, cwd: ref.cwd, sessionId: ref.id });
  if (!changes)
    return fail(
      `session ${ref.id} recorded no workspace changes (it ran no turn, or ran before nightshift recorded them)`,
    );
  if (changes.files.length === 0) {
    io.stderr.write(`session ${ref.id} changed nothing in ${ref.cwd}\n`);
    return 0;
  }
  if (options.diff) {
    io.stdout.write(changes.patch);
    return 0;
  }

  const target = path.resolve(io.cwd, options.cd ?? ".");
  if (!fs.existsSync(target) || !fs.statSync(target).isDirectory())
    return fail(`${target} is not a directory`);
  if (sameFolder(target, ref.cwd))
    return fail(
      `${target} is the session's own workspace: its changes are already there (run this in another checkout, or give -C DIR)`,
    );

  const placement = await placeIn(target);
  if (options.threeWay && !placement.repository)
    return fail(`--3way needs a git repository, and ${target} is not in one`, 2);
  const args = ["apply", "--whitespace=nowarn", ...placement.args];
  if (options.threeWay) args.push("--3way");
  try {
    await git(null, [...args, "-"], { cwd: placement.cwd, input: changes.patch });
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    return fail(
      `the changes of session ${ref.id} do not apply cleanly to ${target}; nothing was changed.\n${err.message}\n` +
        (placement.repository && !options.threeWay
          ? "Try --3way to merge them with conflict markers, or --diff to see the patch.\n"
          : "See the patch with --diff.\n"),
    );
  }
  io.stderr.write(`Applied the changes of session ${ref.id} to ${target}:\n`);
  for (const file of changes.files) io.stdout.write(`${file}\n`);
  return 0;
}

function sameFolder(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

/**
 * Where git must run so the patch's paths (relative to the session's workspace) land in `target`:
 * inside a repository git reads them from the top, so a sub-folder is named with --directory.
 */
async function placeIn(target: string): Promise<{ cwd: string; args: string[]; repository: boolean }> {
  let top: string;
  try {
    top = await gitText(null, ["rev-parse", "--show-toplevel"], { cwd: target });
  } catch {
    return { cwd: target, args: [], repository: false };
  }
  const inside = path.relative(fs.realpathSync(top), fs.realpathSync(target));
  return {
    cwd: top,
    args: inside === "" ? [] : [`--directory=${inside.split(path.sep).join("/")}`],
    repository: true,
  };
}
