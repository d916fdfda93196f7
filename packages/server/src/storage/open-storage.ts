import type { BlobStore } from "./blobs.js";
import { fileBlobStore } from "./blobs.js";
import { serverPaths } from "./paths.js";
import { blobCacheDir, postgresBlobStore, type SharedBlobStore } from "./postgres/pg-blobs.js";
import { openPostgresStorage, type PostgresStorage } from "./postgres/pg-storage.js";
import { openSqliteStorage } from "./sqlite/sqlite-storage.js";
import type { Storage } from "./types.js";

export type OpenedStorage =
  | { kind: "sqlite"; storage: Storage; blobs: BlobStore }
  | { kind: "postgres"; storage: PostgresStorage; blobs: SharedBlobStore };

/** A `--db` value that names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string | undefined): db is string {
  return db !== undefined && /^postgres(ql)?:\/\//i.test(db);
}

/**
 * The storage and blob store `--db` asks for: a postgres:// URL opens PostgreSQL (tables and
 * chunked blobs shared by every process, a blob cache under `home`); anything else is a SQLite
 * file (default `$NIGHTSHIFT_HOME/serve.db`) with blobs on disk beside it.
 */
export async function openStorage(args: {
  home: string;
  db?: string;
  maxConnections?: number;
  applicationName?: string;
}): Promise<OpenedStorage> {
  if (isPostgresUrl(args.db)) {
    const storage = await openPostgresStorage(args.db, {
      maxConnections: args.maxConnections,
      applicationName: args.applicationName,
    });
    return { kind: "postgres", storage, blobs: postgresBlobStore(storage.pool, blobCacheDir(args.home)) };
  }
  const paths = serverPaths(args.home, args.db);
  return { kind: "sqlite", storage: openSqliteStorage(paths.db), blobs: fileBlobStore(paths.blobs) };
}
