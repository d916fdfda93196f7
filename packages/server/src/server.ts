import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getRequestListener } from "@hono/node-server";
import { type Clock, systemClock } from "@nightshift/core";
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from "./archive/limits.js";
import { buildApp } from "./http/app.js";
import { IDEMPOTENCY_TTL_MS } from "./http/idempotency.js";
import { findWebRoot } from "./http/static.js";
import { startServerWorkers } from "./server-workers.js";
import { isPostgresUrl, openStorage } from "./storage/open-storage.js";
import { serverPaths } from "./storage/paths.js";
import { fileSecretBox } from "./storage/secrets.js";
import type { Storage } from "./storage/types.js";
import { TaskEventBus } from "./tasks/event-bus.js";

export type ServeOptions = {
  home: string;
  env: NodeJS.ProcessEnv;
  version: string;
  host?: string;
  port?: number;
  /** The SQLite file (default $NIGHTSHIFT_HOME/serve.db), or a postgres:// URL shared with `nightshift worker`s. */
  db?: string;
  /** Where tasks' projects are unpacked (default `<home>-tasks`; not inside the home). */
  tasksDir?: string;
  /** Tasks worked on at once in this process (0 with PostgreSQL: the API only). */
  concurrency?: number;
  /** Let webhooks go to loopback and private addresses (tests, a private network). */
  allowPrivateWebhooks?: boolean;
  clock?: Clock;
  log?: (line: string) => void;
  maxUploadBytes?: number;
  archiveLimits?: ArchiveLimits;
  progressIntervalMs?: number;
  sseKeepAliveS?: number;
  webhookTimeoutMs?: number;
  /** The page's folder; default: found beside the code; null: no page. */
  webRoot?: string | null;
};

export type RunningServer = {
  url: string;
  port: number;
  storage: Storage;
  /** Live task events (how many event streams listen, for tests of bounded resources). */
  bus: TaskEventBus;
  /** Stops accepting requests, drains the workers (running tasks checkpoint, to resume at the next start) and closes. */
  stop(): Promise<void>;
};

export const DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/** Opens the storage, resumes what an earlier process left running, and listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`nightshift serve: ${line}\n`));
  const clock = options.clock ?? systemClock;
  const paths = serverPaths(options.home, options.db, options.tasksDir);
  const inside = path.relative(path.resolve(options.home), paths.tasks);
  if (!inside.startsWith("..") && !path.isAbsolute(inside))
    throw new Error(
      `the tasks folder ${paths.tasks} is inside NIGHTSHIFT_HOME, where sandboxed commands may not write; choose one outside it`,
    );
  refuseNestedRepository(paths.tasks);
  const opened = await openStorage({ home: options.home, db: options.db });
  const { storage, blobs } = opened;
  const bus = new TaskEventBus();
  const archiveLimits = options.archiveLimits ?? DEFAULT_ARCHIVE_LIMITS;
  const workers = await startServerWorkers(opened, {
    home: options.home,
    tasksDir: paths.tasks,
    env: options.env,
    version: options.version,
    concurrency: options.concurrency ?? 2,
    url: isPostgresUrl(options.db) ? options.db : undefined,
    allowPrivateWebhooks: options.allowPrivateWebhooks ?? false,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000,
    progressIntervalMs: options.progressIntervalMs ?? 2000,
    archiveLimits,
    box: fileSecretBox(paths.secretKey),
    bus,
    clock,
    log,
  });
  let ready = false;
  const app = buildApp({
    ready: () => ready,
    storage,
    blobs,
    bus,
    engine: workers.scheduler,
    clock,
    home: options.home,
    version: options.version,
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    archiveLimits,
    allowPrivateWebhooks: options.allowPrivateWebhooks ?? false,
    webRoot:
      options.webRoot === undefined
        ? findWebRoot(path.dirname(fileURLToPath(import.meta.url)))
        : options.webRoot,
    sseKeepAliveS: options.sseKeepAliveS ?? 15,
    eventPollS: opened.kind === "postgres" ? 1 : undefined,
    log,
  });
  await storage.deleteIdempotencyBefore(clock.now() - IDEMPOTENCY_TTL_MS);
  const server = http.createServer(getRequestListener(app.fetch));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  await workers.start();
  ready = true;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    storage,
    bus,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await workers.stop();
        server.closeAllConnections();
        await closed;
        await storage.close();
      })();
      return stopping;
    },
  };
}

/**
 * Projects without git get a private repository; git would instead find a repository around the
 * tasks folder and keep the checkpoints there. Refuse to start inside one.
 */
function refuseNestedRepository(tasksDir: string): void {
  fs.mkdirSync(tasksDir, { recursive: true });
  let top: string | null = null;
  try {
    top = execFileSync("git", ["rev-parse", "--show-toplevel"], {
      cwd: tasksDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return;
  }
  throw new Error(
    `${tasksDir} is inside the git repository ${top}; set NIGHTSHIFT_HOME to a folder outside any repository`,
  );
}
