import { type Command, InvalidArgumentError, Option } from "commander";

type WorkerFlags = {
  db?: string;
  tasksDir?: string;
  concurrency: number;
  segmentMinutes?: number;
  heartbeatSeconds?: number;
  superviseSeconds?: number;
  allowPrivateWebhooks?: boolean;
  json?: boolean;
};

function count(flag: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${flag} needs a whole number of at least ${min}`);
    return n;
  };
}

function positive(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} needs a number above 0`);
    return n;
  };
}

/**
 * `nightshift worker --db postgres://… [--concurrency N]`: runs task segments from the shared
 * queue until SIGTERM or SIGINT, when the running ones checkpoint and go back to the queue.
 */
export function registerWorkerCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command("worker")
    .description("run tasks of nightshift serve from a PostgreSQL queue (any number, on any machine)")
    .requiredOption("--db <url>", "the PostgreSQL database the server uses (postgres://…)")
    .option("--concurrency <n>", "tasks worked on at once (default 2)", count("--concurrency", 1), 2)
    .option("--tasks-dir <dir>", "where tasks' projects are unpacked (default: <NIGHTSHIFT_HOME>-tasks)")
    .option("--json", "print each segment's outcome as a JSON line on stdout")
    .addOption(
      new Option("--segment-minutes <m>", "minutes of work before a task checkpoints and is queued again")
        .argParser(positive("--segment-minutes"))
        .hideHelp(),
    )
    .addOption(new Option("--heartbeat-seconds <s>").argParser(count("--heartbeat-seconds", 10)).hideHelp())
    .addOption(new Option("--supervise-seconds <s>").argParser(count("--supervise-seconds", 1)).hideHelp())
    .addOption(
      new Option("--allow-private-webhooks", "webhooks to loopback and private addresses").hideHelp(),
    )
    .action(async (flags: WorkerFlags) => {
      setExitCode(await runWorker(flags));
    });
}

async function runWorker(flags: WorkerFlags): Promise<number> {
  const [{ nightshiftHome }, server, { VERSION }] = await Promise.all([
    import("@nightshift/core"),
    import("@nightshift/server"),
    import("../version.js"),
  ]);
  const log = (line: string) => process.stderr.write(`nightshift worker: ${line}\n`);
  if (!server.isPostgresUrl(flags.db)) {
    log(
      "--db must be a postgres:// URL: workers share a PostgreSQL database (with SQLite, nightshift serve runs its own workers)",
    );
    return 2;
  }
  const home = nightshiftHome(process.env);
  let opened: Awaited<ReturnType<typeof server.openStorage>>;
  try {
    opened = await server.openStorage({
      home,
      db: flags.db,
      maxConnections: flags.concurrency + 4,
      applicationName: "nightshift-worker",
    });
  } catch (err) {
    log(`cannot open ${redact(flags.db!)}: ${(err as Error).message}`);
    return 1;
  }
  if (opened.kind !== "postgres") return 2;
  const pool = await server.startWorkerPool({
    url: flags.db!,
    storage: opened.storage,
    blobs: opened.blobs,
    home,
    tasksDir: flags.tasksDir,
    env: process.env,
    version: VERSION,
    concurrency: flags.concurrency,
    segmentMs: flags.segmentMinutes ? flags.segmentMinutes * 60_000 : undefined,
    timing: {
      ...(flags.heartbeatSeconds ? { heartbeatSeconds: flags.heartbeatSeconds } : {}),
      ...(flags.superviseSeconds ? { superviseSeconds: flags.superviseSeconds } : {}),
    },
    allowPrivateWebhooks: flags.allowPrivateWebhooks ?? false,
    log,
    onSegment: (result) => {
      if (flags.json)
        process.stdout.write(`${JSON.stringify({ type: "segment", pid: process.pid, ...result })}\n`);
      else log(`${result.task_id}: segment ${result.n ?? "-"} ${result.outcome} in ${result.totalMs} ms`);
    },
  });
  if (flags.json)
    process.stdout.write(`${JSON.stringify({ type: "ready", pid: process.pid, worker: pool.worker })}\n`);
  else log(`ready: ${pool.worker}, ${flags.concurrency} at once`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  log("stopping: running tasks checkpoint and go back to the queue");
  await pool.stop();
  await opened.storage.close();
  return 0;
}

/** A database URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
