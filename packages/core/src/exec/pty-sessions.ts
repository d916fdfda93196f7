import { type CommandRunnerDeps, type SandboxedCommand, sandboxedArgv } from "../sandbox/runner.js";
import { SessionPins } from "../sandbox/session-pins.js";
import type { CommandRequest } from "../tools/tool.js";
import { type Clock, startTimer, systemClock } from "../util/clock.js";
import { HeadTailBuffer } from "./head-tail-buffer.js";
import {
  type InteractiveExit,
  type InteractiveProcess,
  type InteractiveRequest,
  startPiped,
  startPty,
} from "./interactive-process.js";
import { loadPty } from "./pty.js";

/** Live sessions one agent session may hold (as Codex's unified exec). */
export const MAX_PTY_SESSIONS = 64;
/** Past this many live sessions, results carry a warning. */
export const PTY_SESSIONS_WARNING = 60;
/** Unread output kept per session (head and tail); the middle is dropped with a marker. */
export const PTY_OUTPUT_CAP_BYTES = 1024 * 1024;

/** Starts the yield timer; returns a function that cancels it. Tests pass their own. */
export type YieldTimer = (ms: number, fire: () => void) => () => void;

export type PtySessionManagerDeps = Pick<
  CommandRunnerDeps,
  "sandbox" | "env" | "pins" | "envPolicy" | "lifetimeWrapper" | "clock"
> & {
  maxSessions?: number;
  outputCapBytes?: number;
  timer?: YieldTimer;
  /** Monotonic milliseconds, for wall times. */
  now?: () => number;
  loadPty?: typeof loadPty;
};

export type StartRequest = Pick<CommandRequest, "argv" | "cwd" | "sandboxCwd" | "policy" | "env">;

/** What one read of a session gives: the output since the previous read, and the exit if it came. */
export type SessionRead = {
  output: string;
  /** Null while the process is still running. */
  exit: InteractiveExit | null;
  wallMs: number;
};

/** What a session needs from its manager. */
type SessionDeps = { timer: YieldTimer; now: () => number; outputCapBytes: number };

const clockTimer =
  (clock: Clock): YieldTimer =>
  (ms, fire) =>
    startTimer(clock, ms, fire);

/** One interactive process the model talks to through `write_stdin`. */
export class PtySession {
  readonly id: number;
  readonly argv: readonly string[];
  readonly #process: InteractiveProcess;
  readonly #deps: SessionDeps;
  readonly #release: (session: PtySession) => void;
  #unread: HeadTailBuffer | null = null;
  #exit: InteractiveExit | null = null;
  readonly #listeners = new Set<(text: string) => void>();

  constructor(args: {
    id: number;
    argv: string[];
    start: (onData: (text: string) => void) => InteractiveProcess;
    deps: SessionDeps;
    release: (session: PtySession) => void;
  }) {
    this.id = args.id;
    this.argv = args.argv;
    this.#deps = args.deps;
    this.#release = args.release;
    this.#process = args.start((text) => this.#receive(text));
    void this.#process.exited.then((exit) => {
      this.#exit = exit;
    });
  }

  get mode(): "pty" | "pipes" {
    return this.#process.mode;
  }

  get exited(): boolean {
    return this.#exit !== null;
  }

  /** Sends `chars` to the process (ignored once it exited). */
  write(chars: string): void {
    if (chars !== "" && !this.#exit) this.#process.write(chars);
  }

  /** Calls `listener` with each piece of output as it arrives; returns the unsubscribe function. */
  onData(listener: (text: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Waits until the process exits, `yieldMs` pass, or `signal` aborts, whichever comes first, then
   * takes the output that arrived since the previous read. Once a read reports the exit, the
   * session is gone from its manager.
   */
  async read(yieldMs: number, signal?: AbortSignal): Promise<SessionRead> {
    const started = this.#deps.now();
    if (!this.#exit && !signal?.aborted) {
      let cancelTimer = () => {};
      let onAbort = () => {};
      await Promise.race([
        this.#process.exited,
        new Promise<void>((resolve) => {
          cancelTimer = this.#deps.timer(yieldMs, resolve);
        }),
        new Promise<void>((resolve) => {
          onAbort = () => resolve();
          signal?.addEventListener("abort", onAbort, { once: true });
        }),
      ]);
      cancelTimer();
      signal?.removeEventListener("abort", onAbort);
    }
    // The constructor's reaction to `exited` runs before any later one: #exit is current here.
    const exit = this.#exit;
    const output = this.#unread?.toString() ?? "";
    this.#unread = null;
    if (exit) this.#release(this);
    return { output, exit, wallMs: this.#deps.now() - started };
  }

  /** Resolves when the process exited (its output may still be unread). */
  waitForExit(): Promise<InteractiveExit> {
    return this.#process.exited;
  }

  /** SIGKILL to the process group; resolves once it is gone. */
  kill(): Promise<InteractiveExit> {
    if (!this.#exit) this.#process.kill();
    return this.#process.exited;
  }

  #receive(text: string): void {
    this.#unread ??= new HeadTailBuffer(this.#deps.outputCapBytes);
    this.#unread.write(Buffer.from(text, "utf8"));
    for (const listener of this.#listeners) listener(text);
  }
}

/**
 * The interactive processes of one agent session, started in the session's sandbox on a
 * pseudo-terminal (or on pipes when node-pty cannot load). Sessions outlive turns (a dev server
 * keeps running); `close()` kills them all when the agent session ends.
 */
export class PtySessionManager {
  readonly #deps: PtySessionManagerDeps & { pins: SessionPins };
  readonly #sessions = new Map<number, PtySession>();
  #nextId = 1;
  #closed = false;

  /** Pass the session's `pins` (the ones its command runner uses); without them it pins on its own. */
  constructor(deps: PtySessionManagerDeps) {
    this.#deps = { ...deps, pins: deps.pins ?? new SessionPins() };
  }

  /** Sessions not yet released (running, or exited with output not yet read). */
  get size(): number {
    return this.#sessions.size;
  }

  get maxSessions(): number {
    return this.#deps.maxSessions ?? MAX_PTY_SESSIONS;
  }

  get(id: number): PtySession | undefined {
    return this.#sessions.get(id);
  }

  /**
   * Starts `request` under its policy. The first output may be a note that no terminal was
   * available. Errors (limit reached, no sandbox, manager closed) come back as text.
   */
  async start(request: StartRequest): Promise<{ session: PtySession } | { error: string }> {
    if (this.#closed) return { error: "interactive sessions are closed: the agent session is ending" };
    if (request.argv.length === 0) return { error: "cannot run an empty command" };
    this.#pruneExited();
    if (this.#sessions.size >= this.maxSessions) {
      return {
        error: `too many interactive sessions are open (${this.#sessions.size}, the limit is ${this.maxSessions}); end some (send them "exit" or Ctrl-C with write_stdin) before starting another`,
      };
    }
    const pty = await (this.#deps.loadPty ?? loadPty)();
    const prepared = sandboxedArgv(this.#deps, { ...request, tty: !("error" in pty) });
    if ("sandboxError" in prepared) return { error: prepared.sandboxError };
    if (this.#closed) return { error: "interactive sessions are closed: the agent session is ending" };

    const start = (onData: (text: string) => void): InteractiveProcess => {
      let problem = "error" in pty ? pty.error : "";
      if (!("error" in pty)) {
        const started = startPty(pty, launchOf(prepared, request.cwd), onData);
        if (!("error" in started)) return started;
        problem = started.error;
      }
      onData(`[no terminal available (${problem}); running with pipes instead]\n`);
      // Prepared again without tty: pipes can carry the seccomp filter a terminal cannot.
      const piped = sandboxedArgv(this.#deps, { ...request, tty: false });
      return startPiped(launchOf("sandboxError" in piped ? prepared : piped, request.cwd), onData);
    };
    const session = new PtySession({
      id: this.#nextId++,
      argv: request.argv,
      start,
      deps: {
        timer: this.#deps.timer ?? clockTimer(this.#deps.clock ?? systemClock),
        now: this.#deps.now ?? (() => (this.#deps.clock ?? systemClock).now()),
        outputCapBytes: this.#deps.outputCapBytes ?? PTY_OUTPUT_CAP_BYTES,
      },
      release: (done) => this.#sessions.delete(done.id),
    });
    this.#sessions.set(session.id, session);
    return { session };
  }

  /** Kills every session and waits for them to go; later starts are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((session) => session.kill()));
  }

  /** Exited sessions nobody read to the end make room first when the limit is reached. */
  #pruneExited(): void {
    if (this.#sessions.size < this.maxSessions) return;
    for (const [id, session] of this.#sessions) {
      if (session.exited) this.#sessions.delete(id);
    }
  }
}

function launchOf(
  prepared: Exclude<SandboxedCommand, { sandboxError: string }>,
  cwd: string,
): InteractiveRequest {
  return { argv: prepared.argv, cwd, env: prepared.env, extraInputs: prepared.extraInputs };
}
