import fs from "node:fs";
import path from "node:path";

/**
 * An uploaded `.git` is hostile: its config can name programs git runs (fsmonitor, filters, a
 * pager, hooks), point the work tree elsewhere or borrow objects from outside. Keep only what git
 * needs to read the history: a fresh config (the object format kept), no hooks, no alternates.
 * A `.git` that is not a folder (a "gitdir:" file pointing elsewhere) is removed, and the project
 * gets a private repository like any folder without git. True when a usable `.git` remains.
 */
export function sanitizeGit(workspace: string): boolean {
  const dir = path.join(workspace, ".git");
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) return false;
  if (!stat.isDirectory()) {
    fs.rmSync(dir, { force: true, recursive: true });
    return false;
  }
  const config = path.join(dir, "config");
  let objectFormat: string | null = null;
  try {
    const text = fs.readFileSync(config, "utf8");
    const match = /^\s*objectformat\s*=\s*(sha1|sha256)\s*$/im.exec(text);
    objectFormat = match?.[1]?.toLowerCase() ?? null;
  } catch {
    // no config: a fresh one is written below
  }
  for (const name of [
    "hooks",
    "commondir",
    "info/attributes",
    "objects/info/alternates",
    "objects/info/http-alternates",
    "config.worktree",
    "worktrees",
    "modules",
  ]) {
    fs.rmSync(path.join(dir, name), { force: true, recursive: true });
  }
  fs.rmSync(config, { force: true, recursive: true });
  const lines = [
    "[core]",
    `\trepositoryformatversion = ${objectFormat === "sha256" ? 1 : 0}`,
    "\tbare = false",
  ];
  if (objectFormat === "sha256") lines.push("[extensions]", "\tobjectformat = sha256");
  fs.writeFileSync(config, `${lines.join("\n")}\n`);
  if (!fs.existsSync(path.join(dir, "HEAD")) || !fs.existsSync(path.join(dir, "objects"))) {
    fs.rmSync(dir, { force: true, recursive: true });
    return false;
  }
  return true;
}
