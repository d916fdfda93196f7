import fs from "node:fs";
import { nightshiftHome } from "@nightshift/core";
import { startServer, withKeys } from "@nightshift/server";
import { VERSION } from "../version.js";
import type { ServeCommandOptions } from "./register-serve.js";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv };

/**
 * `nightshift serve`: listens until SIGTERM or SIGINT, then drains (running tasks checkpoint and
 * resume at the next start) and exits 0; a second signal exits at once.
 */
export async function runServeCommand(options: ServeCommandOptions, io: Io): Promise<number> {
  const home = nightshiftHome(io.env);
  fs.mkdirSync(home, { recursive: true });
  const log = (line: string) => io.stderr.write(`nightshift serve: ${line}\n`);
  if (options.workers === 0 && !/^postgres(ql)?:\/\//i.test(options.db ?? "")) {
    io.stderr.write(
      "nightshift: serve: --workers 0 (the API only) needs --db postgres://… and `nightshift worker` processes to run the tasks\n",
    );
    return 2;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      home,
      env: io.env,
      version: VERSION,
      host: options.host,
      port: options.port,
      db: options.db,
      tasksDir: options.tasksDir,
      concurrency: options.workers,
      allowPrivateWebhooks: options.allowPrivateWebhooks ?? false,
      log,
    });
  } catch (err) {
    io.stderr.write(`nightshift: serve: ${(err as Error).message}\n`);
    return 1;
  }
  log(`listening on ${server.url} (${options.workers} worker(s); stop with Ctrl-C or SIGTERM)`);
  const stopped = new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) process.exit(130);
      log(
        `${signal}: draining (running tasks checkpoint and resume at the next start; again to stop at once)`,
      );
      server.stop().then(
        () => resolve(0),
        (err: unknown) => {
          log(`stopping failed: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  const code = await stopped;
  log("stopped");
  return code;
}

type KeyOptions = { db?: string; json?: boolean };

export async function runKeysCreate(options: KeyOptions & { name: string }, io: Io): Promise<number> {
  const name = options.name.trim();
  if (!name || name.length > 200) {
    io.stderr.write("nightshift: keys create: --name must be 1 to 200 characters\n");
    return 2;
  }
  const created = await withKeysAt(io, options, (keys) => keys.create(name));
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({ id: created.id, name: created.name, api_key: created.api_key, webhook_secret: created.webhook_secret })}\n`,
    );
  } else {
    io.stdout.write(
      `api_key:        ${created.api_key}\nwebhook_secret: ${created.webhook_secret}\nid:             ${created.id}\n`,
    );
    io.stderr.write("Keep both now: they are not shown again (only the key's hash is stored).\n");
  }
  return 0;
}

export async function runKeysList(options: KeyOptions, io: Io): Promise<number> {
  const rows = await withKeysAt(io, options, (keys) => keys.list());
  const listed = rows.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: new Date(row.created_at).toISOString(),
    revoked_at: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  }));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(listed)}\n`);
    return 0;
  }
  if (!listed.length)
    io.stdout.write("no API keys (create one with nightshift serve keys create --name NAME)\n");
  for (const key of listed) {
    const state = key.revoked_at ? `revoked ${key.revoked_at}` : "active";
    io.stdout.write(`${key.id}  ${key.prefix}…  ${key.created_at}  ${state}  ${key.name}\n`);
  }
  return 0;
}

export async function runKeysRevoke(idOrName: string, options: KeyOptions, io: Io): Promise<number> {
  return withKeysAt(io, options, async (keys) => {
    const matches = (await keys.list()).filter(
      (row) => row.revoked_at === null && (row.id === idOrName || row.name === idOrName),
    );
    if (matches.length === 0) {
      io.stderr.write(`nightshift: keys revoke: no active key with the id or name ${idOrName}\n`);
      return 1;
    }
    if (matches.length > 1) {
      io.stderr.write(
        `nightshift: keys revoke: ${matches.length} active keys are named ${idOrName}; give the id (${matches.map((m) => m.id).join(", ")})\n`,
      );
      return 1;
    }
    await keys.revoke(matches[0]!.id);
    io.stdout.write(`revoked ${matches[0]!.id} (${matches[0]!.name})\n`);
    return 0;
  });
}

function withKeysAt<T>(io: Io, options: KeyOptions, work: Parameters<typeof withKeys<T>>[2]): Promise<T> {
  const home = nightshiftHome(io.env);
  fs.mkdirSync(home, { recursive: true });
  return withKeys(home, options.db, work);
}
