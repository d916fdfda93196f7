import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A .tar.gz of `files` made by the system's tar (files under one top folder, as tarballs are). */
export function projectTarGz(files: Record<string, string>): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-sdk-proj-"));
  try {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, "project", name)), { recursive: true });
      fs.writeFileSync(path.join(dir, "project", name), content);
    }
    return execFileSync("tar", ["-czf", "-", "-C", dir, "project"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
