import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { readEvents, runPaths } from "@nightshift/runner";
import { taskDir } from "../tasks/workspace.js";

const run = promisify(execFile);
const TAR_BUFFER = 16 * 1024 * 1024;

/** Where one worker keeps things: its home (runs) and its tasks folder (projects, outside the home). */
export type Roots = { home: string; tasksDir: string };

/**
 * Packs what a resumed task needs, from both roots: the project with its checkpoints (a tar.gz of
 * the task's folder) and the run's state and events (a tar.gz of its run folder, without the lock,
 * which belongs to this process), both in one tar.
 */
export async function packTaskState(
  roots: Roots,
  taskId: string,
  runId: string | null,
  archive: string,
): Promise<void> {
  const staging = `${archive}.d`;
  fs.mkdirSync(staging, { recursive: true });
  try {
    await run("tar", ["-czf", path.join(staging, "task.tar.gz"), "-C", roots.tasksDir, "--", taskId], {
      maxBuffer: TAR_BUFFER,
    });
    if (runId && fs.existsSync(runPaths(roots.home, runId).dir)) {
      await run(
        "tar",
        [
          "-czf",
          path.join(staging, "run.tar.gz"),
          "--exclude=run.lock",
          "-C",
          roots.home,
          "--",
          path.join("runs", runId),
        ],
        { maxBuffer: TAR_BUFFER },
      );
    }
    await run("tar", ["-cf", archive, "-C", staging, "--", ...fs.readdirSync(staging)], {
      maxBuffer: TAR_BUFFER,
    });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Removes this task's folders (a finished task, or a copy about to be replaced). */
export function removeTaskState(roots: Roots, taskId: string, runId: string | null): void {
  fs.rmSync(taskDir(roots.tasksDir, taskId), { recursive: true, force: true });
  if (runId) fs.rmSync(runPaths(roots.home, runId).dir, { recursive: true, force: true });
}

/**
 * Unpacks a task's state (what was here is removed first) and points the absolute paths the run
 * recorded under another worker's roots at this one's. Returns the last event seq the state holds.
 */
export async function unpackTaskState(args: {
  roots: Roots;
  from: Roots;
  taskId: string;
  runId: string | null;
  archive: string;
}): Promise<number> {
  const { roots } = args;
  removeTaskState(roots, args.taskId, args.runId);
  const staging = `${roots.tasksDir}/.restore-${args.taskId}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    await run("tar", ["-xf", args.archive, "--no-same-owner", "-C", staging], { maxBuffer: TAR_BUFFER });
    const inner = (name: string, into: string) => {
      if (!fs.existsSync(path.join(staging, name))) return Promise.resolve();
      fs.mkdirSync(into, { recursive: true });
      return run("tar", ["-xzf", path.join(staging, name), "--no-same-owner", "-C", into], {
        maxBuffer: TAR_BUFFER,
      });
    };
    await inner("task.tar.gz", roots.tasksDir);
    await inner("run.tar.gz", roots.home);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  if (!args.runId) return 0;
  const paths = runPaths(roots.home, args.runId);
  for (const file of [paths.state, paths.report]) {
    rewritePrefix(file, args.from.home, roots.home);
    rewritePrefix(file, args.from.tasksDir, roots.tasksDir);
  }
  return fs.existsSync(paths.events) ? (readEvents(paths.events).at(-1)?.seq ?? 0) : 0;
}

/** Rewrites every string in a JSON file that starts with `from/` to start with `to/`. */
export function rewritePrefix(file: string, from: string, to: string): void {
  if (!fs.existsSync(file) || path.resolve(from) === path.resolve(to)) return;
  const prefix = `${path.resolve(from)}${path.sep}`;
  const target = `${path.resolve(to)}${path.sep}`;
  const walk = (value: unknown): unknown => {
    if (typeof value === "string")
      return value.startsWith(prefix) ? target + value.slice(prefix.length) : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const rewritten = JSON.stringify(walk(JSON.parse(fs.readFileSync(file, "utf8"))), null, 2);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, rewritten);
  fs.renameSync(tmp, file);
}
