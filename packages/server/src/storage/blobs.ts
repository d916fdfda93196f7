import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

/** How much more than the limit is read and dropped before the sender is cut off. */
const DRAIN_SLACK = 64 * 1024 * 1024;

export type StoredBlob = { key: string; bytes: number; sha256: string };

/** An upload went past its size limit. */
export class BlobTooLargeError extends Error {
  override name = "BlobTooLargeError";
  constructor(readonly limit: number) {
    super(`the upload is larger than ${limit} bytes`);
  }
}

/**
 * Uploads and artifacts, by content: `blobs/<first two hex>/<sha256>` under the server's home. A
 * blob is written to a temporary file and renamed, so a kill never leaves half of one; writing the
 * same content twice is harmless. (A PostgreSQL deployment keeps the same interface.)
 */
export interface BlobStore {
  /**
   * Streams `source` in, hashing and counting. Past `maxBytes` the rest is read and dropped (so an
   * HTTP client still gets an answer) and BlobTooLargeError is thrown; `check` sees the complete
   * temporary file before it is kept, and may throw to refuse it.
   */
  put(source: Readable, maxBytes: number, check?: (file: string) => Promise<void>): Promise<StoredBlob>;
  putFile(file: string): Promise<StoredBlob>;
  /** A local file with the blob's bytes (archive readers need random access). */
  path(key: string): string;
  open(key: string): Readable;
}

export function fileBlobStore(root: string): BlobStore {
  const tmpDir = path.join(root, "tmp");
  fs.mkdirSync(tmpDir, { recursive: true });
  const pathOf = (key: string) => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a blob key: ${key}`);
    return path.join(root, key.slice(0, 2), key);
  };
  const put = async (
    source: Readable,
    maxBytes: number,
    check?: (file: string) => Promise<void>,
  ): Promise<StoredBlob> => {
    const tmp = path.join(tmpDir, randomUUID());
    const hash = createHash("sha256");
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          // Drop the rest, up to a point: a sender that goes on and on is cut off.
          return done(bytes > maxBytes * 2 + DRAIN_SLACK ? new BlobTooLargeError(maxBytes) : null);
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, fs.createWriteStream(tmp, { mode: 0o600 }));
      if (bytes > maxBytes) throw new BlobTooLargeError(maxBytes);
      await check?.(tmp);
      const sha256 = hash.digest("hex");
      const target = pathOf(sha256);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(tmp, target);
      return { key: sha256, bytes, sha256 };
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  };
  return {
    put,
    putFile: (file) => put(fs.createReadStream(file), Number.MAX_SAFE_INTEGER),
    path: pathOf,
    open: (key) => fs.createReadStream(pathOf(key)),
  };
}
