import { spawn } from "node:child_process";
import type { SandboxPolicy } from "../../sandbox/policy.js";
import { type Clock, startTimer, systemClock } from "../../util/clock.js";
import { findExecutable, isExecutableFile } from "../../util/find-executable.js";
import type { CommandRunner } from "../tool.js";

export type FindRipgrepOptions = {
  /** Directories a command may have written (the workspace, the writable roots): never run an `rg` from there. */
  exclude: readonly string[];
  /** Look at the `@vscode/ripgrep` binary first (default true). */
  bundled?: boolean;
};

/**
 * The ripgrep binary: the one shipped in the `@vscode/ripgrep` platform package, else `rg` on
 * PATH. rg runs outside the sandbox, so PATH entries that are relative or inside `exclude` are
 * skipped: a sandboxed command could have planted an `rg` there.
 */
export async function findRipgrep(
  env: NodeJS.ProcessEnv,
  options: FindRipgrepOptions,
): Promise<string | null> {
  if (options.bundled ?? true) {
    try {
      const { rgPath } = await import("@vscode/ripgrep");
      if (isExecutableFile(rgPath)) return rgPath;
    } catch {
      // No prebuilt binary for this platform: fall back to PATH.
    }
  }
  const name = process.platform === "win32" ? "rg.exe" : "rg";
  return findExecutable(name, env.PATH ?? "", { exclude: options.exclude });
}

/** The only variables rg gets: it needs no secrets, and runs unsandboxed. */
const RIPGREP_ENV_KEYS = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"] as const;

/** A clean environment for rg, taken from `env`. */
export function ripgrepEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const key of RIPGREP_ENV_KEYS) {
    const value = env[key];
    if (value !== undefined) clean[key] = value;
  }
  return clean;
}

/** Text as ripgrep's JSON output carries it: UTF-8 as `text`, anything else base64 in `bytes`. */
export type RgData = { text: string } | { bytes: string };

export type RgLine = {
  path: RgData;
  lines: RgData;
  line_number: number | null;
  submatches: Array<{ start: number; end: number }>;
};

/** The `rg --json` messages used here, plus `overlong` for a message too big to parse. */
export type RgEvent =
  | { type: "begin"; path: RgData }
  | { type: "match"; line: RgLine }
  | { type: "context"; line: RgLine }
  | { type: "overlong" };

export type RunOptions = {
  rgPath: string;
  args: string[];
  cwd: string;
  /** Only PATH, HOME, LANG, LC_ALL and TMPDIR are passed on (see `ripgrepEnv`). */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  timeoutMs: number;
  /** Times the timeout (default: the system's). */
  clock?: Clock;
  /** Longest JSON message kept; longer ones (one giant matching line) become `overlong`. */
  maxMessageBytes: number;
  /** Called per message; "stop" kills rg (enough results). */
  onEvent: (event: RgEvent) => "continue" | "stop";
};

export type RunResult = {
  exitCode: number | null;
  /** The first few KiB of what rg wrote to stderr. */
  stderr: string;
  stoppedBy: "consumer" | "timeout" | "abort" | null;
  spawnError?: string;
};

const MAX_STDERR_BYTES = 4 * 1024;

/** What rg may do in the sandbox: read, nothing else. */
const READ_ONLY: SandboxPolicy = { mode: "read-only", writableRoots: [], networkAccess: false };

/**
 * Runs rg inside the sandbox, read-only and without network, through the session's command
 * runner. Its `/proc` is the sandbox's own, so no path (a symlink, `/proc/<pid>`, `..`) can lead
 * it to nightshift's process or its parents. Returns null when there is no sandbox to run in
 * (then `runRipgrep` runs it directly, as in danger-full-access without bubblewrap).
 */
export async function runRipgrepSandboxed(
  options: RunOptions & { runCommand: CommandRunner },
): Promise<RunResult | null> {
  if (options.signal.aborted) return { exitCode: null, stderr: "", stoppedBy: "abort" };
  const stop = new AbortController();
  let stoppedBy: RunResult["stoppedBy"] = null;
  const onAbort = () => {
    stoppedBy ??= "abort";
    stop.abort();
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  let stderr = "";
  const splitter = new LineSplitter(options.maxMessageBytes, (line) => {
    if (stoppedBy) return;
    const event = line === null ? ({ type: "overlong" } as const) : parseEvent(line);
    if (event && options.onEvent(event) === "stop") {
      stoppedBy = "consumer";
      stop.abort();
    }
  });
  try {
    const result = await options.runCommand({
      argv: [options.rgPath, ...options.args],
      cwd: options.cwd,
      sandboxCwd: options.cwd,
      policy: READ_ONLY,
      timeoutMs: options.timeoutMs,
      signal: stop.signal,
      maxOutputBytes: 16 * 1024,
      onOutput: (chunk, stream) => {
        if (stream === "stdout") splitter.push(Buffer.from(chunk, "utf8"));
        else if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.slice(0, MAX_STDERR_BYTES - stderr.length);
      },
    });
    if (result.sandboxError?.startsWith("no sandbox available")) return null;
    if (result.sandboxError)
      return { exitCode: null, stderr: "", stoppedBy, spawnError: result.sandboxError };
    splitter.end();
    if (result.timedOut) stoppedBy ??= "timeout";
    return { exitCode: result.exitCode, stderr, stoppedBy };
  } finally {
    options.signal.removeEventListener("abort", onAbort);
  }
}

export function runRipgrep(options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    if (options.signal.aborted) {
      resolve({ exitCode: null, stderr: "", stoppedBy: "abort" });
      return;
    }
    const child = spawn(options.rgPath, options.args, {
      cwd: options.cwd,
      env: ripgrepEnv(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stoppedBy: RunResult["stoppedBy"] = null;
    let stderr = "";
    let spawnError: string | undefined;
    const stop = (reason: NonNullable<RunResult["stoppedBy"]>) => {
      if (stoppedBy) return;
      stoppedBy = reason;
      child.kill("SIGKILL");
    };
    const onAbort = () => stop("abort");
    options.signal.addEventListener("abort", onAbort, { once: true });
    const cancelTimer = startTimer(options.clock ?? systemClock, options.timeoutMs, () => stop("timeout"));

    const splitter = new LineSplitter(options.maxMessageBytes, (line) => {
      if (stoppedBy) return;
      const event = line === null ? ({ type: "overlong" } as const) : parseEvent(line);
      if (event && options.onEvent(event) === "stop") stop("consumer");
    });
    child.stdout.on("data", (chunk: Buffer) => splitter.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES)
        stderr += chunk.toString("utf8").slice(0, MAX_STDERR_BYTES - stderr.length);
    });
    child.on("error", (error) => {
      spawnError = error.message;
    });
    child.on("close", (code) => {
      cancelTimer();
      options.signal.removeEventListener("abort", onAbort);
      splitter.end();
      resolve({ exitCode: code, stderr, stoppedBy, ...(spawnError ? { spawnError } : {}) });
    });
  });
}

function parseEvent(line: string): RgEvent | null {
  let message: { type?: unknown; data?: Record<string, unknown> };
  try {
    message = JSON.parse(line);
  } catch {
    return null;
  }
  const data = message.data;
  if (!data) return null;
  if (message.type === "begin") return { type: "begin", path: data.path as RgData };
  if (message.type === "match" || message.type === "context") {
    return { type: message.type, line: data as unknown as RgLine };
  }
  return null;
}

/** Splits a byte stream into lines; a line over `maxBytes` is reported once as null and skipped. */
class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private overflowing = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string | null) => void,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const newline = chunk.indexOf(0x0a, pos);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(pos, end));
      if (newline === -1) return;
      this.flush();
      pos = newline + 1;
    }
  }

  end(): void {
    if (this.size > 0 || this.overflowing) this.flush();
  }

  private append(piece: Buffer): void {
    if (this.overflowing) return;
    if (this.size + piece.length > this.maxBytes) {
      this.overflowing = true;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private flush(): void {
    this.onLine(this.overflowing ? null : Buffer.concat(this.parts, this.size).toString("utf8"));
    this.parts = [];
    this.size = 0;
    this.overflowing = false;
  }
}
