import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointRepo } from "../src/git/checkpoints.js";
import { openWorkspaceRepo } from "../src/git/workspace-repo.js";
import { runPaths } from "../src/state/paths.js";
import { git, makeProject, tempDir } from "./helpers/workspace.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function setup(files: Record<string, string>, options: { git?: boolean } = {}) {
  const project = makeProject(files, options);
  const home = tempDir("ns-run-home-");
  dirs.push(project, home);
  const paths = runPaths(home, "r1");
  fs.mkdirSync(paths.dir, { recursive: true });
  const info = await openWorkspaceRepo(project, paths);
  const repo = new CheckpointRepo(info, "r1", () => Date.UTC(2026, 0, 1));
  const checkpoint = async (n: number, parent: string | null) =>
    repo.commit(n, await repo.snapshotTree(), parent, `cp ${n}`);
  return { project, repo, checkpoint, paths };
}

/** Everything of the user's repository a checkpoint must never touch. */
function userView(project: string) {
  const index = fs.readFileSync(path.join(project, ".git", "index"));
  return {
    head: git(project, "rev-parse", "HEAD"),
    symbolic: git(project, "symbolic-ref", "HEAD"),
    branches: git(project, "for-each-ref", "refs/heads", "refs/tags", "refs/stash"),
    index: createHash("sha256").update(index).digest("hex"),
    stash: git(project, "stash", "list"),
  };
}

describe("checkpoints with a private index", () => {
  it("snapshot every change, shell-made ones included, and never touch HEAD, branches, index or stash", async () => {
    const { project, repo, checkpoint } = await setup({
      "a.txt": "one\n",
      "src/b.txt": "b\n",
      ".gitignore": "out/\n",
    });
    fs.writeFileSync(path.join(project, "staged.txt"), "staged by the user\n");
    git(project, "add", "staged.txt");
    fs.writeFileSync(path.join(project, "a.txt"), "stashed\n");
    git(project, "stash", "push", "-q", "--", "a.txt");
    const before = userView(project);
    const status = git(project, "status", "--porcelain");

    const c0 = await checkpoint(0, await repo.userHead(project));
    fs.writeFileSync(path.join(project, "a.txt"), "two\n"); // as a shell command would
    fs.writeFileSync(path.join(project, "new.bin"), Buffer.from([0, 1, 2, 255]));
    fs.rmSync(path.join(project, "src/b.txt"));
    fs.mkdirSync(path.join(project, "out"));
    fs.writeFileSync(path.join(project, "out/ignored.txt"), "ignored\n");
    const c1 = await checkpoint(1, c0);

    expect(git(project, "show", `${c1}:a.txt`)).toBe("two");
    expect(git(project, "ls-tree", "-r", "--name-only", c1).split("\n").sort()).toEqual([
      ".gitignore",
      "a.txt",
      "new.bin",
      "staged.txt",
    ]);
    expect(git(project, "rev-parse", "refs/nightshift/runs/r1/1")).toBe(c1);
    expect(git(project, "rev-parse", `${c1}^`)).toBe(c0);
    expect(git(project, "rev-parse", `${c0}^`)).toBe(before.head);

    await repo.snapshotTree();
    await repo.restore(c0);
    expect(fs.readFileSync(path.join(project, "a.txt"), "utf8")).toBe("one\n");
    expect(fs.existsSync(path.join(project, "new.bin"))).toBe(false);
    expect(fs.readFileSync(path.join(project, "src/b.txt"), "utf8")).toBe("b\n");
    expect(fs.existsSync(path.join(project, "out/ignored.txt"))).toBe(true);

    expect(userView(project)).toEqual(before);
    expect(git(project, "status", "--porcelain")).toBe(status);
  });

  it("keep a private repository in the run folder for a folder that is not a git repository", async () => {
    const { project, repo, checkpoint, paths } = await setup(
      { "x.txt": "x\n", "node_modules/dep.js": "d\n" },
      { git: false },
    );
    expect(repo.repo.kind).toBe("private");
    const c0 = await checkpoint(0, null);
    fs.writeFileSync(path.join(project, "x.txt"), "changed\n");
    fs.symlinkSync("x.txt", path.join(project, "link"));
    const c1 = await checkpoint(1, c0);
    expect(fs.existsSync(path.join(project, ".git"))).toBe(false);
    expect(fs.existsSync(path.join(paths.privateGitDir, "HEAD"))).toBe(true);
    const files = await repo.listFiles(c1);
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ["link", "120000"],
      ["x.txt", "100644"],
    ]);
    await repo.snapshotTree();
    await repo.restore(c0);
    expect(fs.readFileSync(path.join(project, "x.txt"), "utf8")).toBe("x\n");
    expect(fs.existsSync(path.join(project, "link"))).toBe(false);
    expect(fs.existsSync(path.join(project, "node_modules/dep.js"))).toBe(true);
  });

  it("make a binary-safe patch that applies to the start", async () => {
    const { project, repo, checkpoint } = await setup({ "a.txt": "one\n" });
    const c0 = await checkpoint(0, null);
    fs.writeFileSync(path.join(project, "img.bin"), Buffer.from([0, 159, 146, 150, 0, 10]));
    fs.writeFileSync(path.join(project, "a.txt"), "one\ntwo\n");
    const c1 = await checkpoint(1, c0);
    const patch = await repo.binaryDiff(c0, c1);
    expect(patch.toString("latin1")).toContain("GIT binary patch");
    const copy = makeProject({ "a.txt": "one\n" });
    dirs.push(copy);
    fs.writeFileSync(path.join(copy, "p.patch"), patch);
    git(copy, "apply", "p.patch");
    expect([...fs.readFileSync(path.join(copy, "img.bin"))]).toEqual([0, 159, 146, 150, 0, 10]);
  });
});
