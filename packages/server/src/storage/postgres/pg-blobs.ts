import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type pg from "pg";
import { type BlobStore, fileBlobStore, type StoredBlob } from "../blobs.js";

/**
 * A blob store every worker reaches: what `BlobStore` promises, plus fetching a blob that another
 * machine stored. `path` answers for blobs this process already holds (it stored or fetched them).
 */
export interface SharedBlobStore extends BlobStore {
  /** Makes the blob's bytes a local file (downloading it once) and returns its path. */
  fetch(key: string): Promise<string>;
}

/** Chunks small enough for one round trip each, large enough that a 256 MiB upload is 256 rows. */
export const BLOB_CHUNK_BYTES = 1024 * 1024;

/**
 * Blobs in PostgreSQL, chunked (`blobs` and `blob_chunks`), with a local cache folder in front: a
 * blob is written to the cache first (hashed, size-limited and checked there, as on disk), then
 * copied into the database in one transaction whose last row is the `blobs` entry, so a reader
 * never sees half of one. Content-addressed: storing the same bytes twice changes nothing. An
 * S3-compatible store would take the place of the two tables behind the same interface.
 */
export function postgresBlobStore(pool: pg.Pool, cacheDir: string): SharedBlobStore {
  const local = fileBlobStore(cacheDir);
  const upload = async (blob: StoredBlob): Promise<StoredBlob> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      // Two uploads of the same content wait for each other here rather than collide.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [blob.key]);
      const exists = await client.query("SELECT 1 FROM blobs WHERE key = $1", [blob.key]);
      if (exists.rowCount === 0) {
        let n = 0;
        for await (const chunk of fs.createReadStream(local.path(blob.key), {
          highWaterMark: BLOB_CHUNK_BYTES,
        })) {
          await client.query(
            "INSERT INTO blob_chunks (key, n, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            [blob.key, n++, chunk],
          );
        }
        await client.query("INSERT INTO blobs (key, bytes, chunks, created_at) VALUES ($1, $2, $3, $4)", [
          blob.key,
          blob.bytes,
          n,
          Date.now(),
        ]);
      }
      await client.query("COMMIT");
      return blob;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
  const chunksOf = async (key: string): Promise<number> => {
    const row = (await pool.query("SELECT chunks FROM blobs WHERE key = $1", [key])).rows[0];
    if (!row) throw new Error(`no blob ${key} in the database`);
    return Number(row.chunks);
  };
  async function* stream(key: string): AsyncGenerator<Buffer> {
    const chunks = await chunksOf(key);
    for (let n = 0; n < chunks; n++) {
      const row = (await pool.query("SELECT data FROM blob_chunks WHERE key = $1 AND n = $2", [key, n]))
        .rows[0];
      if (!row) throw new Error(`blob ${key} is missing its chunk ${n}`);
      yield row.data as Buffer;
    }
  }
  const fetch = async (key: string): Promise<string> => {
    const target = local.path(key);
    if (fs.existsSync(target)) return target;
    const stored = await local.put(Readable.from(stream(key)), Number.MAX_SAFE_INTEGER);
    if (stored.key !== key) throw new Error(`blob ${key} came back with other content (${stored.key})`);
    return target;
  };
  return {
    put: async (source, maxBytes, check) => upload(await local.put(source, maxBytes, check)),
    putFile: async (file) => upload(await local.putFile(file)),
    path: local.path,
    fetch,
    open: (key) => (fs.existsSync(local.path(key)) ? local.open(key) : Readable.from(stream(key))),
  };
}

/** The cache folder of a process's shared blobs under its home. */
export function blobCacheDir(home: string): string {
  return path.join(home, "blob-cache");
}
