import fs from "node:fs";
import path from "node:path";

/** Writes a file so that a kill at any moment leaves either the old or the new content, never a mix. */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Appends whole lines; a torn last line (a kill mid-write) is ended first so the next line stays whole. */
export function appendLine(file: string, line: string): void {
  const fd = fs.openSync(file, "a+", 0o600);
  try {
    const size = fs.fstatSync(fd).size;
    let prefix = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = "\n";
    }
    fs.writeSync(fd, `${prefix}${line}\n`);
  } finally {
    fs.closeSync(fd);
  }
}
