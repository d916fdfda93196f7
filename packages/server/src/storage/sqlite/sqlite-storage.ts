import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Storage, StorageOps } from "../types.js";
import { MIGRATIONS } from "./schema.js";
import { SqliteOps } from "./sqlite-ops.js";

/** The database is from a newer nightshift, or is not ours. */
export class StorageError extends Error {
  override name = "StorageError";
}

type Runner = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Storage on embedded SQLite (node:sqlite) in WAL mode, at `file` (its folder is created). The
 * connection is synchronous, so no operation interleaves with another; a transaction spans awaits,
 * so operations queue behind it and it commits, or rolls back on a throw, as a whole.
 */
export function openSqliteStorage(file: string): Storage {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
  );
  migrate(db);
  const ops = new SqliteOps(db);
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive: Runner = (work) => {
    const result = queue.then(work);
    queue = result.catch(() => {});
    return result;
  };
  const direct: Runner = (work) => work();
  return {
    ...bind(ops, exclusive),
    transaction: (work) =>
      exclusive(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await work(bind(ops, direct));
          db.exec("COMMIT");
          return result;
        } catch (err) {
          db.exec("ROLLBACK");
          throw err;
        }
      }),
    close: () => exclusive(async () => db.close()),
  };
}

/** The async operations over the synchronous ones, each run through `run`. */
function bind(ops: SqliteOps, run: Runner): StorageOps {
  const bound: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(SqliteOps.prototype)) {
    if (name === "constructor") continue;
    const method = (ops as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    bound[name] = (...args: unknown[]) => run(async () => method.apply(ops, args));
  }
  return bound as unknown as StorageOps;
}

function migrate(db: DatabaseSync): void {
  const version = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
  if (version > MIGRATIONS.length) {
    throw new StorageError(
      `the database was written by a newer nightshift (schema ${version}, this one knows ${MIGRATIONS.length}); upgrade nightshift`,
    );
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  }
}
