import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Checkpoints } from "../src/workspace/checkpoints.js";
import { gitRunner } from "../src/workspace/git.js";
import { workspaceDiff } from "../src/workspace/workspace-diff.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function folders() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-tui-cp-"));
  dirs.push(base);
  const home = path.join(base, "home");
  const work = path.join(base, "work");
  fs.mkdirSync(home);
  fs.mkdirSync(work);
  return { home, work };
}

const env = { PATH: process.env.PATH, HOME: os.tmpdir(), GIT_CONFIG_NOSYSTEM: "1" };
const write = (dir: string, file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8");

describe("checkpoints for /undo", () => {
  it("restores what the last turn changed, removes what it created, and leaves later edits alone", async () => {
    const { home, work } = folders();
    write(work, "a.txt", "a0");
    write(work, "dir/b.txt", "b0");
    write(work, "keep.txt", "k0");
    const git = gitRunner(env);
    const checkpoints = new Checkpoints({ home, cwd: work, git });

    expect(await checkpoints.beforeTurn("first")).toBeNull();
    write(work, "a.txt", "a1");
    await checkpoints.afterTurn();
    expect(await checkpoints.beforeTurn("second")).toBeNull();
    write(work, "a.txt", "a2");
    fs.rmSync(path.join(work, "dir/b.txt"));
    write(work, "new/c.txt", "c");
    await checkpoints.afterTurn();
    // The user edits another file after the turn: undo must not touch it.
    write(work, "keep.txt", "k1");

    const second = await checkpoints.undoLast();
    expect(second).toEqual({ label: "second", restored: ["a.txt", "dir/b.txt"], removed: ["new/c.txt"] });
    expect(read(work, "a.txt")).toBe("a1");
    expect(read(work, "dir/b.txt")).toBe("b0");
    expect(fs.existsSync(path.join(work, "new/c.txt"))).toBe(false);
    expect(read(work, "keep.txt")).toBe("k1");

    expect(await checkpoints.undoLast()).toMatchObject({ label: "first", restored: ["a.txt"] });
    expect(read(work, "a.txt")).toBe("a0");
    expect(await checkpoints.undoLast()).toBeNull();
    // Nothing was written into the workspace: no .git appeared.
    expect(fs.existsSync(path.join(work, ".git"))).toBe(false);
  });

  it("never touches the project's own repository", async () => {
    const { home, work } = folders();
    const git = gitRunner(env);
    await git(["init", "-q"], { cwd: work });
    write(work, "a.txt", "a0");
    await git(["add", "a.txt"], { cwd: work });
    const before = (await git(["status", "--porcelain"], { cwd: work })).stdout;
    const checkpoints = new Checkpoints({ home, cwd: work, git });
    await checkpoints.beforeTurn("t");
    write(work, "a.txt", "a1");
    await checkpoints.undoLast();
    expect(read(work, "a.txt")).toBe("a0");
    expect((await git(["status", "--porcelain"], { cwd: work })).stdout).toBe(before);
  });
});

describe("/diff", () => {
  it("shows tracked changes and new files of a repository, and says when there is none", async () => {
    const { work } = folders();
    const git = gitRunner(env);
    expect(await workspaceDiff(work, git)).toMatchObject({
      ok: false,
      message: expect.stringContaining("not in a git repository"),
    });
    await git(["init", "-q"], { cwd: work });
    write(work, "a.txt", "one\n");
    await git(["add", "a.txt"], { cwd: work });
    await git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"], { cwd: work });
    expect(await workspaceDiff(work, git)).toEqual({ ok: true, diff: "", files: 0 });
    write(work, "a.txt", "two\n");
    write(work, "new.txt", "fresh\n");
    const result = await workspaceDiff(work, git);
    expect(result).toMatchObject({ ok: true, files: 2 });
    const diff = (result as { diff: string }).diff;
    expect(diff).toContain("-one\n+two");
    expect(diff).toContain("+++ b/new.txt\n@@ -0,0 +1 @@\n+fresh");
  });
});
