import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import yazl from "yazl";

export type TarEntry = {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
};

/** A tar.gz made entry by entry (so hostile entries can be written as they are). */
export async function tarGz(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (chunk) => chunks.push(chunk as Buffer));
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  for (const entry of entries) {
    const content = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content);
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        {
          name: entry.name,
          type: entry.type ?? "file",
          linkname: entry.linkname,
          mode: entry.mode,
          size: content.length,
        },
        entry.type === undefined || entry.type === "file" ? content : Buffer.alloc(0),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 1 });
}

export type ZipEntry = { name: string; content?: string | Buffer; mode?: number; dir?: boolean };

/**
 * A zip of the entries. yazl refuses hostile names, so each entry is written under a harmless
 * name of the same length and the name's bytes are swapped in afterwards (headers and directory).
 */
export async function zipOf(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const swaps: [Buffer, Buffer][] = [];
  entries.forEach((entry, i) => {
    const stand = `${`z${i}`.padEnd(entry.name.length - (entry.dir ? 1 : 0), "_")}${entry.dir ? "/" : ""}`;
    if (stand !== entry.name) swaps.push([Buffer.from(stand), Buffer.from(entry.name)]);
    if (entry.dir) zip.addEmptyDirectory(stand, { mode: entry.mode });
    else zip.addBuffer(Buffer.from(entry.content ?? ""), stand, { mode: entry.mode });
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const out = Buffer.concat(chunks);
  for (const [from, to] of swaps) {
    for (let at = out.indexOf(from); at !== -1; at = out.indexOf(from, at + 1)) to.copy(out, at);
  }
  return out;
}

/** A tar.gz made by the system's tar from a folder with the given files. */
export function systemTarGz(files: Record<string, string>, options: { prefix?: string } = {}): Buffer {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-tar-"));
  const root = path.join(base, options.prefix ?? "project");
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  const out = path.join(base, "out.tar.gz");
  execFileSync("tar", [
    "-czf",
    out,
    "-C",
    options.prefix ? base : root,
    options.prefix ? options.prefix : ".",
  ]);
  const buffer = fs.readFileSync(out);
  fs.rmSync(base, { recursive: true, force: true });
  return buffer;
}

/** A ustar header claiming `size` bytes, followed by nothing: a bomb that is only a header. */
export function lyingTarGz(name: string, size: number): Buffer {
  return gzipSync(ustarHeader(name, size));
}

/** A tar.gz of `count` empty files, written header by header (fast for 100k entries). */
export function emptyFilesTarGz(count: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; i < count; i++) blocks.push(ustarHeader(`f${i}`, 0));
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 1 });
}

function ustarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, "utf8");
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return header;
}
