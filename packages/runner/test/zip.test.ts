import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeCheckpointZip } from "../src/artifact/zip.js";
import { CheckpointRepo } from "../src/git/checkpoints.js";
import { openWorkspaceRepo } from "../src/git/workspace-repo.js";
import { runPaths } from "../src/state/paths.js";
import { makeProject, tempDir } from "./helpers/workspace.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the zip artifact", () => {
  it("holds the files of the checkpoint (not the current ones), with modes, symlinks and binary bytes, and no .git", async () => {
    const project = makeProject({ "a.txt": "checkpointed\n", "sub/dir/b.bin": "", ".gitignore": "build/\n" });
    const home = tempDir();
    dirs.push(project, home);
    fs.writeFileSync(path.join(project, "sub/dir/b.bin"), Buffer.from([0, 255, 10, 13, 0]));
    fs.writeFileSync(path.join(project, "run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
    fs.symlinkSync("a.txt", path.join(project, "link"));
    fs.mkdirSync(path.join(project, "build"));
    fs.writeFileSync(path.join(project, "build/out.o"), "ignored");
    const paths = runPaths(home, "z");
    fs.mkdirSync(paths.dir, { recursive: true });
    const repo = new CheckpointRepo(await openWorkspaceRepo(project, paths), "z", Date.now);
    const commit = await repo.commit(0, await repo.snapshotTree(), null, "cp");
    fs.writeFileSync(path.join(project, "a.txt"), "changed after the checkpoint\n");

    const zip = path.join(home, "out.zip");
    expect(await writeCheckpointZip(repo, commit, zip, new Date(Date.UTC(2026, 0, 1)))).toBe(5);
    const out = path.join(home, "unzipped");
    execFileSync("unzip", ["-q", zip, "-d", out]);
    expect(fs.readFileSync(path.join(out, "a.txt"), "utf8")).toBe("checkpointed\n");
    expect([...fs.readFileSync(path.join(out, "sub/dir/b.bin"))]).toEqual([0, 255, 10, 13, 0]);
    expect(fs.statSync(path.join(out, "run.sh")).mode & 0o777).toBe(0o755);
    expect(fs.readlinkSync(path.join(out, "link"))).toBe("a.txt");
    expect(fs.existsSync(path.join(out, ".git"))).toBe(false);
    expect(fs.existsSync(path.join(out, "build"))).toBe(false);
  });
});
