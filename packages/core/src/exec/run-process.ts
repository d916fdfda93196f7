import { spawn } from "node:child_process";
import fs from "node:fs";
import type { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { CommandResult } from "../tools/tool.js";
import { type Clock, startTimer, systemClock } from "../util/clock.js";
import { HeadTailBuffer } from "./head-tail-buffer.js";
import { signalName, signalProcessGroup } from "./process-group.js";
import { loadPty } from "./pty.js";
import { SpillFile } from "./spill-file.js";

/** Output kept in memory per command (head + tail), as Codex's exec does. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** Time between SIGTERM and SIGKILL when a command is stopped. */
export const DEFAULT_KILL_GRACE_MS = 2_000;
/** How long we keep reading after the command exited, for output still in the pipes. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 2_000;

/** A command ready to start: `argv` is final (already wrapped by the sandbox, if any). */
export type ProcessRequest = {
  argv: string[];
  cwd: string;
  /** The complete environment of the child (nothing is inherited). */
  env: Record<string, string | undefined>;
  /** Stop the command after this long; 0 or less means no limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
  maxOutputBytes?: number;
  /** Output as it arrives, decoded; `stream` says which (a terminal is all "stdout"). */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  spillFile?: string;
  spillMaxBytes?: number;
  /** Run on a pseudo-terminal (node-pty); falls back to pipes when it cannot be loaded. */
  tty?: boolean;
  /** Bytes handed to the child on fds 3, 4, ... (each a pipe closed after writing). Pipes only. */
  extraInputs?: Uint8Array[];
  killGraceMs?: number;
  drainTimeoutMs?: number;
  /** Times the timeout, the kill grace, the drain and the duration (default: the system's). */
  clock?: Clock;
};

type ExitInfo = { code: number | null; signal: string | null; spawnError?: NodeJS.ErrnoException };

/** A started child, whichever way it was started. */
type Launched = {
  pid: number | undefined;
  exited: Promise<ExitInfo>;
  /** Resolves when every output stream reached end of file. */
  drained: Promise<void>;
  /** Stop reading output (a grandchild may keep the pipes open forever). */
  detach(): void;
};

type Sink = (chunk: Buffer, stream: "stdout" | "stderr") => void;

/**
 * Runs one command in its own process group and captures its output, bounded in memory.
 * Never throws for the command's sake: failures to start come back as exit code 127/126.
 */
export async function runProcess(req: ProcessRequest): Promise<CommandResult> {
  const clock = req.clock ?? systemClock;
  const started = clock.now();
  const capture = new HeadTailBuffer(req.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  let spill: SpillFile | null = null;
  let spillOpenError: string | null = null;
  const finish = (exit: ExitInfo, flags: { timedOut: boolean; aborted: boolean }): CommandResult => {
    spill?.close();
    const spillError = spillOpenError ?? spill?.error?.message;
    return {
      ...resultOf(exit, flags),
      ...(spillError ? { spillError } : {}),
    };
  };
  const resultOf = (exit: ExitInfo, flags: { timedOut: boolean; aborted: boolean }): CommandResult => ({
    exitCode: exit.code,
    signal: exit.signal,
    output: capture.toString(),
    timedOut: flags.timedOut,
    aborted: flags.aborted,
    durationMs: Math.round(clock.now() - started),
    totalBytes: capture.totalBytes,
    totalLines: capture.totalLines,
  });

  if (req.signal?.aborted) return finish({ code: null, signal: null }, { timedOut: false, aborted: true });
  if (req.argv.length === 0) {
    capture.write(Buffer.from("cannot run an empty command\n"));
    return finish({ code: 127, signal: null }, { timedOut: false, aborted: false });
  }

  try {
    spill = req.spillFile ? new SpillFile(req.spillFile, req.spillMaxBytes) : null;
  } catch (err) {
    spillOpenError = (err as Error).message;
  }
  const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  const sink: Sink = (chunk, stream) => {
    capture.write(chunk);
    spill?.write(chunk);
    if (req.onOutput) {
      const text = decoders[stream].write(chunk);
      if (text) req.onOutput(text, stream);
    }
  };
  const note = (text: string) => sink(Buffer.from(text), "stderr");

  try {
    const launched = await launch(req, sink, note);
    const outcome = await supervise(launched, req);
    const spawnError = outcome.exit.spawnError;
    if (!spawnError) return finish(outcome.exit, outcome);
    note(describeSpawnError(req.argv[0]!, req.cwd, spawnError));
    const code = spawnError.code === "ENOENT" ? 127 : spawnError.code === "EACCES" ? 126 : null;
    return finish({ code, signal: null }, outcome);
  } finally {
    spill?.close();
  }
}

async function launch(req: ProcessRequest, sink: Sink, note: (text: string) => void): Promise<Launched> {
  if (req.tty) {
    const pty = await launchPty(req, sink);
    if (!("error" in pty)) return pty;
    note(`[no terminal available (${pty.error}); ran with pipes instead]\n`);
  }
  return launchPiped(req, sink);
}

function launchPiped(req: ProcessRequest, sink: Sink): Launched {
  const extra = req.extraInputs ?? [];
  const child = spawn(req.argv[0]!, req.argv.slice(1), {
    cwd: req.cwd,
    env: req.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe", ...extra.map(() => "pipe" as const)],
  });
  extra.forEach((data, i) => {
    const stream = child.stdio[3 + i] as Writable | null;
    stream?.on("error", () => {});
    stream?.end(data);
  });
  const streams: Array<[Readable, "stdout" | "stderr"]> = [
    [child.stdout!, "stdout"],
    [child.stderr!, "stderr"],
  ];
  const drained = Promise.all(
    streams.map(
      ([stream, name]) =>
        new Promise<void>((resolve) => {
          stream.on("data", (chunk: Buffer) => sink(chunk, name));
          stream.on("close", resolve);
          stream.on("error", () => resolve());
        }),
    ),
  ).then(() => {});
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (err) => resolve({ code: null, signal: null, spawnError: err }));
  });
  return {
    pid: child.pid,
    exited,
    drained,
    detach: () => {
      for (const [stream] of streams) stream.destroy();
    },
  };
}

async function launchPty(req: ProcessRequest, sink: Sink): Promise<Launched | { error: string }> {
  const pty = await loadPty();
  if ("error" in pty) return pty;
  const env = Object.fromEntries(
    Object.entries(req.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  let term: ReturnType<typeof pty.spawn>;
  try {
    term = pty.spawn(req.argv[0]!, req.argv.slice(1), {
      name: env.TERM ?? "dumb",
      cols: 120,
      rows: 40,
      cwd: req.cwd,
      env,
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const dataListener = term.onData((text) => sink(Buffer.from(text, "utf8"), "stdout"));
  // node-pty delivers all output before it reports the exit.
  const exited = new Promise<ExitInfo>((resolve) => {
    term.onExit(({ exitCode, signal }) =>
      resolve(signal ? { code: null, signal: signalName(signal) } : { code: exitCode, signal: null }),
    );
  });
  return { pid: term.pid, exited, drained: exited.then(() => {}), detach: () => dataListener.dispose() };
}

/** Waits for the child, enforcing the timeout and the abort signal on its whole process group. */
async function supervise(
  launched: Launched,
  req: ProcessRequest,
): Promise<{ exit: ExitInfo; timedOut: boolean; aborted: boolean }> {
  const clock = req.clock ?? systemClock;
  const graceMs = req.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let timedOut = false;
  let aborted = false;
  let cancelKill: (() => void) | undefined;
  const stop = () => {
    if (cancelKill) return;
    signalProcessGroup(launched.pid, "SIGTERM");
    cancelKill = startTimer(clock, graceMs, () => signalProcessGroup(launched.pid, "SIGKILL"));
  };
  const timeoutMs = req.timeoutMs ?? 0;
  const cancelTimeout =
    timeoutMs > 0
      ? startTimer(clock, timeoutMs, () => {
          timedOut = true;
          stop();
        })
      : () => {};
  const onAbort = () => {
    aborted = true;
    stop();
  };
  req.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const exit = await launched.exited;
    cancelTimeout();
    req.signal?.removeEventListener("abort", onAbort);
    // The call is over: background jobs it left in its process group go with it.
    signalProcessGroup(launched.pid, "SIGKILL", false);
    let cancelDrain = () => {};
    const drainedInTime = await Promise.race([
      launched.drained.then(() => true),
      new Promise<boolean>((resolve) => {
        cancelDrain = startTimer(clock, req.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS, () => resolve(false));
      }),
    ]);
    cancelDrain();
    if (!drainedInTime) launched.detach();
    return { exit, timedOut, aborted };
  } finally {
    cancelTimeout();
    cancelKill?.();
    // Whatever survived a stop (a grandchild ignoring SIGTERM) goes now.
    if (cancelKill) signalProcessGroup(launched.pid, "SIGKILL", false);
  }
}

function describeSpawnError(program: string, cwd: string, err: NodeJS.ErrnoException): string {
  if (err.code === "ENOENT" && !fs.existsSync(cwd)) return `working directory does not exist: ${cwd}\n`;
  if (err.code === "ENOENT") return `${program}: command not found\n`;
  if (err.code === "EACCES") return `${program}: permission denied\n`;
  return `failed to start ${program}: ${err.message}\n`;
}
