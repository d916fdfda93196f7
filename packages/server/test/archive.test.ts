import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ArchiveError, DEFAULT_ARCHIVE_LIMITS } from "../src/archive/limits.js";
import { sanitizeGit } from "../src/archive/sanitize-git.js";
import { inspectArchive, unpackArchive } from "../src/archive/unpack.js";
import { emptyFilesTarGz, lyingTarGz, systemTarGz, tarGz, zipOf } from "./helpers/archives.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh base folder: the archive file is written there, and it unpacks into base/dest. */
function place(archive: Buffer): { file: string; dest: string; base: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-arch-"));
  dirs.push(base);
  const file = path.join(base, "upload");
  fs.writeFileSync(file, archive);
  return { file, dest: path.join(base, "dest"), base };
}

async function refused(archive: Buffer, pattern: RegExp, limits = DEFAULT_ARCHIVE_LIMITS): Promise<string> {
  const { file, dest, base } = place(archive);
  await expect(inspectArchive(file, DEFAULT_ARCHIVE_LIMITS)).rejects.toThrow(pattern);
  const err = await unpackArchive(file, dest, limits).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ArchiveError);
  expect((err as Error).message).toMatch(pattern);
  // Nothing landed beside the destination.
  expect(fs.readdirSync(base).sort()).toEqual(fs.existsSync(dest) ? ["dest", "upload"] : ["upload"]);
  return base;
}

describe("archives: what is accepted", () => {
  it("unpacks a tar.gz made by tar, with folders, modes and a link inside", async () => {
    const { file, dest } = place(systemTarGz({ "src/a.ts": "export {};\n", "run.sh": "#!/bin/sh\n" }));
    const summary = await unpackArchive(file, dest, DEFAULT_ARCHIVE_LIMITS);
    expect(summary.format).toBe("tar.gz");
    expect(fs.readFileSync(path.join(dest, "src/a.ts"), "utf8")).toBe("export {};\n");
    const linked = await tarGz([
      { name: "docs/", type: "directory" },
      { name: "docs/readme.md", content: "hi" },
      { name: "docs/tool.sh", content: "echo", mode: 0o755 },
      { name: "link.md", type: "symlink", linkname: "docs/readme.md" },
      { name: "docs/up.md", type: "symlink", linkname: "../link.md" },
      { name: "copy.md", type: "link", linkname: "docs/readme.md" },
    ]);
    const other = place(linked);
    await unpackArchive(other.file, other.dest, DEFAULT_ARCHIVE_LIMITS);
    expect(fs.readFileSync(path.join(other.dest, "link.md"), "utf8")).toBe("hi");
    expect(fs.readFileSync(path.join(other.dest, "docs/up.md"), "utf8")).toBe("hi");
    expect(fs.readFileSync(path.join(other.dest, "copy.md"), "utf8")).toBe("hi");
    expect(fs.lstatSync(path.join(other.dest, "copy.md")).isSymbolicLink()).toBe(false);
    expect(fs.statSync(path.join(other.dest, "docs/tool.sh")).mode & 0o111).not.toBe(0);
  });

  it("unpacks a zip, with a folder and a link inside", async () => {
    const { file, dest } = place(
      await zipOf([
        { name: "lib/", dir: true },
        { name: "lib/x.js", content: "1" },
        { name: "x.js", content: "lib/x.js", mode: 0o120777 },
      ]),
    );
    const summary = await unpackArchive(file, dest, DEFAULT_ARCHIVE_LIMITS);
    expect(summary).toMatchObject({ format: "zip", entries: 3 });
    expect(fs.readFileSync(path.join(dest, "x.js"), "utf8")).toBe("1");
    expect(fs.lstatSync(path.join(dest, "x.js")).isSymbolicLink()).toBe(true);
  });
});

describe("archives: hostile entries are refused", () => {
  it("refuses .. and absolute names (tar and zip)", async () => {
    await refused(await tarGz([{ name: "ok.txt" }, { name: "../evil.txt", content: "x" }]), /climbs out/);
    await refused(await tarGz([{ name: "/tmp/evil.txt", content: "x" }]), /absolute path/);
    await refused(await zipOf([{ name: "a/../../evil.txt", content: "x" }]), /climbs out/);
    await refused(await zipOf([{ name: "C:/evil.txt", content: "x" }]), /absolute path/);
  });

  it("refuses links that point outside, and links that climb through another link", async () => {
    await refused(
      await tarGz([{ name: "l", type: "symlink", linkname: "../../etc/passwd" }]),
      /points outside/,
    );
    await refused(await tarGz([{ name: "l", type: "symlink", linkname: "/etc/passwd" }]), /absolute path/);
    await refused(
      await tarGz([
        { name: "x", type: "symlink", linkname: "." },
        { name: "y", type: "symlink", linkname: "x/.." },
      ]),
      /after a name/,
    );
    await refused(await zipOf([{ name: "l", content: "../outside", mode: 0o120777 }]), /points outside/);
    await refused(
      await tarGz([{ name: "h", type: "link", linkname: "/etc/passwd" }]),
      /absolute path|not a file/,
    );
  });

  it("refuses device files and fifos", async () => {
    await refused(await tarGz([{ name: "dev", type: "character-device" }]), /character device/);
    await refused(await tarGz([{ name: "pipe", type: "fifo" }]), /fifo/);
    await refused(await zipOf([{ name: "dev", content: "", mode: 0o020644 }]), /character device/);
  });

  it("refuses more than 100k entries", { timeout: 60_000 }, async () => {
    // Inspected at the real limit; unpacked at a lower one (100k files on disk would only slow the test).
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 100_000 };
    const { file } = place(emptyFilesTarGz(100_000));
    await expect(inspectArchive(file, limits)).resolves.toMatchObject({ entries: 100_000 });
    await refused(emptyFilesTarGz(100_001), /more than 1000 entries|more than 100000 entries/, {
      ...limits,
      maxEntries: 1000,
    });
  });

  it("refuses more than 2 GiB unpacked, judged from the header before any data", async () => {
    await refused(lyingTarGz("huge.bin", 2 * 1024 ** 3 + 1), /unpacks to more than 2 GiB/);
  });

  it("refuses a compression ratio above 100:1 (tar.gz and zip)", async () => {
    const zeros = Buffer.alloc(8 * 1024 ** 2);
    await refused(await tarGz([{ name: "zeros.bin", content: zeros }]), /expands more than 100:1/);
    await refused(await zipOf([{ name: "zeros.bin", content: zeros }]), /expands more than 100:1/);
  });

  it("refuses what is not an archive", async () => {
    await refused(Buffer.from("just text"), /not a zip or tar.gz/);
    await refused(Buffer.from([0x1f, 0x8b, 1, 2, 3]), /not a valid tar.gz/);
  });
});

describe("an uploaded .git", () => {
  it("keeps the history but drops what makes git run programs or read outside", async () => {
    const { execFileSync } = await import("node:child_process");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-git-"));
    dirs.push(dir);
    execFileSync("git", ["init", "-q", dir]);
    fs.writeFileSync(
      path.join(dir, ".git/config"),
      "[core]\n\tfsmonitor = touch /tmp/pwned\n\tworktree = /\n",
    );
    fs.writeFileSync(path.join(dir, ".git/hooks/pre-commit"), "#!/bin/sh\n");
    fs.mkdirSync(path.join(dir, ".git/objects/info"), { recursive: true });
    fs.writeFileSync(path.join(dir, ".git/objects/info/alternates"), "/etc\n");
    expect(sanitizeGit(dir)).toBe(true);
    const config = fs.readFileSync(path.join(dir, ".git/config"), "utf8");
    expect(config).not.toMatch(/fsmonitor|worktree/);
    expect(fs.existsSync(path.join(dir, ".git/hooks"))).toBe(false);
    expect(fs.existsSync(path.join(dir, ".git/objects/info/alternates"))).toBe(false);
    fs.rmSync(path.join(dir, ".git"), { recursive: true });
    fs.writeFileSync(path.join(dir, ".git"), "gitdir: /etc\n");
    expect(sanitizeGit(dir)).toBe(false);
    expect(fs.existsSync(path.join(dir, ".git"))).toBe(false);
  });
});
