import pg from "pg";
import { StorageError } from "../sqlite/sqlite-storage.js";
import type { Storage, StorageOps } from "../types.js";
import { PgOps, type Queryable } from "./pg-ops.js";
import { PG_MIGRATIONS, PG_SCHEMA } from "./pg-schema.js";

/** Storage on PostgreSQL, plus what the queue and the blob store need of the same database. */
export interface PostgresStorage extends Storage {
  readonly kind: "postgres";
  readonly pool: pg.Pool;
  /** Like `transaction`, with the transaction's client too (so a queue send can commit with it). */
  transactionWith<T>(work: (tx: StorageOps, client: pg.PoolClient) => Promise<T>): Promise<T>;
}

export type PostgresOptions = {
  /** Connections this process keeps at most (default 10). */
  maxConnections?: number;
  /** Shown in pg_stat_activity: which process holds a connection. */
  applicationName?: string;
};

/**
 * Opens a pool on `url` (postgres://…) and brings the `nightshift` schema up to date; several
 * processes may start at once (the migrations run under an advisory lock).
 */
export async function openPostgresStorage(
  url: string,
  options: PostgresOptions = {},
): Promise<PostgresStorage> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? "nightshift",
    options: `-c search_path=${PG_SCHEMA}`,
  });
  // An idle client that loses its server must not take the process down.
  pool.on("error", () => {});
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const ops = new PgOps(pool as unknown as Queryable);
  const transactionWith = async <T>(work: (tx: StorageOps, client: pg.PoolClient) => Promise<T>) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(new PgOps(client as unknown as Queryable), client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
  const bound: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(PgOps.prototype)) {
    if (name === "constructor") continue;
    const method = (ops as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    bound[name] = method.bind(ops);
  }
  let closed: Promise<void> | null = null;
  return {
    ...(bound as unknown as StorageOps),
    kind: "postgres",
    pool,
    transactionWith,
    transaction: (work) => transactionWith((tx) => work(tx)),
    close: () => {
      closed ??= pool.end();
      return closed;
    },
  };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('nightshift.migrate'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${PG_SCHEMA}`);
    await client.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const rows = (await client.query("SELECT version FROM schema_version")).rows as { version: number }[];
    const version = rows[0]?.version ?? 0;
    if (version > PG_MIGRATIONS.length) {
      throw new StorageError(
        `the database was written by a newer nightshift (schema ${version}, this one knows ${PG_MIGRATIONS.length}); upgrade nightshift`,
      );
    }
    for (let v = version; v < PG_MIGRATIONS.length; v++) await client.query(PG_MIGRATIONS[v]!);
    if (rows.length === 0)
      await client.query("INSERT INTO schema_version VALUES ($1)", [PG_MIGRATIONS.length]);
    else await client.query("UPDATE schema_version SET version = $1", [PG_MIGRATIONS.length]);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
