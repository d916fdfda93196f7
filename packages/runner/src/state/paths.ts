import path from "node:path";

/** Where everything of one run lives: `$NIGHTSHIFT_HOME/runs/<run_id>/`. */
export type RunPaths = {
  dir: string;
  state: string;
  plan: string;
  progress: string;
  events: string;
  report: string;
  reportMd: string;
  lock: string;
  /** The private git repository of a workspace that is not a git repository. */
  privateGitDir: string;
  /** The private index used for checkpoints (never the user's). */
  index: string;
  defaultArtifact(format: "zip" | "patch"): string;
};

export function runsDir(home: string): string {
  return path.join(home, "runs");
}

export function runPaths(home: string, runId: string): RunPaths {
  const dir = path.join(runsDir(home), runId);
  return {
    dir,
    state: path.join(dir, "state.json"),
    plan: path.join(dir, "plan.json"),
    progress: path.join(dir, "progress.md"),
    events: path.join(dir, "events.jsonl"),
    report: path.join(dir, "report.json"),
    reportMd: path.join(dir, "report.md"),
    lock: path.join(dir, "run.lock"),
    privateGitDir: path.join(dir, "git"),
    index: path.join(dir, "checkpoint.index"),
    defaultArtifact: (format) => path.join(dir, format === "zip" ? "artifact.zip" : "artifact.patch"),
  };
}

/** A run id that sorts by start time and reads well: `20260501-213000-3f9a1c`. */
export function newRunId(now: number, random: () => number): string {
  const iso = new Date(now).toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}`;
  const suffix = Math.floor(random() * 0xffffff)
    .toString(16)
    .padStart(6, "0");
  return `${stamp}-${suffix}`;
}

/** Run ids are used in paths and git refs: only these characters are accepted from users. */
export function isValidRunId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/.test(id);
}
