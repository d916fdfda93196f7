import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import {
  type FakeModelServer,
  type RecordedRequest,
  type StepSpec,
  startFakeModelServer,
} from "@nightshift/testkit";
import { createApiKey } from "../../src/keys/api-keys.js";
import { openStorage } from "../../src/storage/open-storage.js";
import { serverPaths } from "../../src/storage/paths.js";
import type { SharedBlobStore } from "../../src/storage/postgres/pg-blobs.js";
import type { PostgresStorage } from "../../src/storage/postgres/pg-storage.js";
import { fileSecretBox } from "../../src/storage/secrets.js";
import type { TaskRow } from "../../src/storage/types.js";
import { systemTarGz } from "./archives.js";
import { startTestPostgres, type TestPostgres } from "./postgres.js";
import { testEnv, writeConfig } from "./server-harness.js";
import { taskRow } from "./storage-rows.js";

/** The built CLI (tests and benchmarks run from the repository's root). */
const CLI = path.resolve("packages/cli/bin/nightshift.js");

export type WorkerProcess = {
  child: ChildProcess;
  home: string;
  /** The worker's name in task_leases (host and home). */
  worker: string;
  /** Lines it printed on stdout (--json: segment outcomes). */
  lines: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export type Delivery = { id: string; type: string; taskId: string };

/**
 * PostgreSQL, the fake model server and a webhook receiver on 127.0.0.1, a database seeded with a
 * key, an agent and a project, and real `nightshift worker` processes (each with its own home,
 * as on separate machines). Tasks are created the way the API creates them.
 */
export type ScaleOutCluster = {
  pg: TestPostgres;
  url: string;
  /** The home the seeded key and the server's secret key belong to (a `nightshift serve` may use it). */
  apiHome: string;
  storage: PostgresStorage;
  blobs: SharedBlobStore;
  model: FakeModelServer;
  deliveries: Delivery[];
  webhookUrl: string;
  spawnWorker(args?: string[]): WorkerProcess;
  workers: WorkerProcess[];
  createTask(extra?: Partial<TaskRow>): Promise<string>;
  /** Resolves when `check` passes, re-checking on every worker line and delivery (bounded). */
  until<T>(
    what: string,
    check: () => Promise<T | null | undefined> | T | null | undefined,
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
};

export async function startScaleOutCluster(
  script: (request: RecordedRequest) => StepSpec,
): Promise<ScaleOutCluster> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-scale-"));
  const pg = await startTestPostgres();
  const url = await pg.createDatabase();
  const model = await startFakeModelServer({ scenario: { steps: [{ times: 1_000_000, generate: script }] } });
  const apiHome = path.join(base, "api");
  const opened = await openStorage({ home: apiHome, db: url });
  if (opened.kind !== "postgres") throw new Error("expected PostgreSQL");
  const { storage, blobs } = opened;
  const box = fileSecretBox(serverPaths(apiHome).secretKey);
  const key = await createApiKey(storage, box, "test", Date.now());
  await storage.insertAgent({
    id: "agent_scale",
    owner: key.id,
    created_at: Date.now(),
    model: "gpt-5.1-codex",
    timeout_hours: 1,
    checkpoint_interval: 30,
    max_cost: 50,
    hourly_fee: null,
    instructions: null,
    plan_model: null,
    review_model: null,
    compact_model: null,
  });
  const project = systemTarGz({ "README.md": "# a project\n" }, { prefix: "project" });
  const blob = await blobs.put(Readable.from([project]), 1 << 20);
  await storage.insertFile({
    id: "file_project",
    owner: key.id,
    created_at: Date.now(),
    bytes: blob.bytes,
    filename: "project.tar.gz",
    purpose: "agent",
    sha256: blob.sha256,
    blob_key: blob.key,
    format: "tar.gz",
  });

  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of waiters) w();
  };
  const deliveries: Delivery[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const payload = JSON.parse(body) as { type: string; data: { id: string } };
      deliveries.push({ id: String(req.headers["webhook-id"]), type: payload.type, taskId: payload.data.id });
      res.writeHead(204).end();
      poke();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const workers: WorkerProcess[] = [];
  let n = 0;
  const cluster: ScaleOutCluster = {
    pg,
    url,
    apiHome,
    storage,
    blobs,
    model,
    deliveries,
    webhookUrl,
    workers,
    spawnWorker(args = []) {
      const home = path.join(base, `worker-${++n}`);
      writeConfig(home, model.url);
      fs.copyFileSync(serverPaths(apiHome).secretKey, serverPaths(home).secretKey);
      const child = spawn(
        process.execPath,
        [CLI, "worker", "--db", url, "--json", "--allow-private-webhooks", ...args],
        { env: testEnv(home), stdio: ["ignore", "pipe", "pipe"] },
      );
      const lines: Record<string, unknown>[] = [];
      let stderr = "";
      let buffer = "";
      child.stdout!.on("data", (chunk) => {
        buffer += chunk;
        let nl = buffer.indexOf("\n");
        while (nl >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.startsWith("{")) lines.push(JSON.parse(line));
          nl = buffer.indexOf("\n");
        }
        poke();
      });
      child.stderr!.on("data", (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("close", (code, signal) => {
          poke();
          resolve({ code, signal });
        }),
      );
      const worker: WorkerProcess = {
        child,
        home,
        worker: `${os.hostname()}:${home}`,
        lines,
        stderr: () => stderr,
        exited,
      };
      workers.push(worker);
      return worker;
    },
    async createTask(extra = {}) {
      const id = `task_${Math.random().toString(36).slice(2, 12)}`;
      await storage.insertTask(
        taskRow(id, key.id, {
          agent_id: "agent_scale",
          files: ["file_project"],
          created_at: Date.now(),
          updated_at: Date.now(),
          metadata: null,
          max_cost: 50,
          webhook_url: webhookUrl,
          ...extra,
        }),
      );
      return id;
    },
    async until(what, check, timeoutMs = 240_000) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) {
          const logs = workers.map((w) => `--- ${w.home}\n${w.stderr().slice(-3000)}`).join("\n");
          throw new Error(`timed out waiting for ${what}\n${logs}`);
        }
        // Look again at the next worker line or delivery, or after a short poll of the database.
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, 250);
          waiters.add(done);
        });
      }
    },
    async close() {
      for (const w of workers)
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
      await Promise.all(workers.map((w) => w.exited));
      await storage.close();
      await model.close();
      await new Promise((resolve) => receiver.close(resolve));
      pg.stop();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
  return cluster;
}
