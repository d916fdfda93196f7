import path from "node:path";
import {
  type AgentEvent,
  type ApprovalDecision,
  type ApprovalRequest,
  ConfigError,
  createSession,
  type HostDeps,
  type ResponseItem,
  resumeSession,
  type Session,
  type SessionEvent,
  type SessionSpec,
  SetupError,
  userMessage,
} from "@nightshift/core";
import { parseSlashCommand } from "../commands/slash-commands.js";
import type { CellBody } from "../state/cells.js";
import { type FooterInfo, footerInfo } from "../state/status.js";
import { Transcript } from "../state/transcript.js";
import { runShellCommand } from "../workspace/shell-command.js";
import { PendingQuestions } from "./questions.js";
import { runSlashCommand } from "./slash.js";
import type { Busy, ControllerDeps, OpenHow, Picker, TuiSnapshot } from "./types.js";

export type { Busy, ControllerDeps, OpenHow, Picker, TuiSnapshot } from "./types.js";

type PendingApproval = { request: ApprovalRequest; resolve: (decision: ApprovalDecision) => void };

/**
 * The interface's state behind the components: one session from the host, its turns and their
 * events, approvals, slash commands and `!` commands. No agent logic: everything the agent does
 * comes from the host's events.
 */
export class TuiController {
  readonly deps: ControllerDeps;
  readonly transcript = new Transcript();
  #session: Session | null = null;
  #busy: Busy | null = null;
  #abort: AbortController | null = null;
  #running: Promise<void> = Promise.resolve();
  #retry: string | null = null;
  readonly #approvals: PendingApproval[] = [];
  /** The model's questions (request_user_input) waiting for an answer. */
  readonly questions = new PendingQuestions(() => this.notify());
  #picker: Picker | null = null;
  #queued: { text: string; images: string[] }[] = [];
  /** Images given with `-i`: attached to the next prompt. */
  #pendingImages: string[] = [];
  /** Context for the model's next turn: `!` command outputs, undo notes. */
  #notes: string[] = [];
  #footer: FooterInfo | null = null;
  #exitRequested = false;
  #checkpointProblemShown = false;
  #snapshot: TuiSnapshot;
  #scheduled = false;
  readonly #listeners = new Set<() => void>();

  constructor(deps: ControllerDeps) {
    this.deps = deps;
    this.#snapshot = this.#build();
  }

  get session(): Session | null {
    return this.#session;
  }

  get busy(): Busy | null {
    return this.#busy;
  }

  /** The session's folder (where pasted relative paths are taken from). */
  get cwd(): string {
    return this.#session?.settings.cwd ?? this.deps.spec.cwd;
  }

  /** Attaches image files (`-i`) to the next prompt. */
  attachImages(images: readonly string[]): void {
    if (images.length === 0) return;
    this.#pendingImages = [...this.#pendingImages, ...images];
    this.add({
      type: "notice",
      level: "info",
      text: `Attached to your next message: ${images.map((file) => path.basename(file)).join(", ")}`,
    });
  }

  // --- the store React reads (useSyncExternalStore) ---

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): TuiSnapshot => this.#snapshot;

  notify(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.deps.schedule(() => {
      this.#scheduled = false;
      this.#snapshot = this.#build();
      for (const listener of this.#listeners) listener();
    });
  }

  #build(): TuiSnapshot {
    return {
      cells: this.transcript.cells,
      live: this.transcript.live,
      busy: this.#busy,
      retry: this.#retry,
      approval: this.#approvals[0]?.request ?? null,
      question: this.questions.current,
      picker: this.#picker,
      queued: this.#queued.map((entry) => entry.text),
      footer: this.#footer,
      exitRequested: this.#exitRequested,
    };
  }

  // --- sessions ---

  /** The host's approval callback: the question waits on screen for one key. */
  approve = (request: ApprovalRequest): Promise<ApprovalDecision> =>
    new Promise((resolve) => {
      this.#approvals.push({ request, resolve });
      this.notify();
    });

  /** Opens the first session; set-up errors are thrown for the caller to print. */
  async open(how: OpenHow, spec: SessionSpec = this.deps.spec): Promise<void> {
    const deps: HostDeps = { ...this.deps.host, approve: this.approve, requestUserInput: this.questions.ask };
    const session =
      how.kind === "new"
        ? await createSession(spec, deps)
        : await resumeSession(how.query, { ...spec, inheritLastTurn: true }, deps);
    const previous = this.#session;
    this.#session = session;
    await previous?.close();
    this.#footer = footerInfo(session);
    this.add({
      type: "header",
      sessionId: session.id,
      model: session.settings.model,
      cwd: session.settings.cwd,
      resumed: session.resumed,
      version: this.deps.host.version,
    });
    if (session.resumed) this.#replay(session.replay());
    for (const warning of session.warnings) this.add({ type: "notice", level: "warning", text: warning });
    this.notify();
  }

  /** Opens another session from inside the interface (/new, /resume): problems become notices. */
  async switchTo(how: OpenHow, spec: SessionSpec): Promise<void> {
    this.#busy = {
      kind: "session",
      label: how.kind === "new" ? "Starting a new session" : "Resuming",
      since: this.deps.now(),
    };
    this.notify();
    try {
      await this.open(how, spec);
      this.#notes = [];
    } catch (err) {
      if (!(err instanceof ConfigError || err instanceof SetupError)) throw err;
      this.add({ type: "notice", level: "error", text: err.message });
    } finally {
      this.#busy = null;
      this.notify();
    }
  }

  #replay(events: SessionEvent[]): void {
    let turns = 0;
    for (const event of events) {
      if (event.type === "turn_started") turns++;
      this.transcript.apply(event);
    }
    this.transcript.settle();
    this.add({
      type: "notice",
      level: "info",
      text: `Resumed: ${turns} earlier turn${turns === 1 ? "" : "s"} shown above.`,
    });
  }

  add(body: CellBody): void {
    this.transcript.add(body);
    this.notify();
  }

  // --- input ---

  /** A prompt (with images attached by pasting their paths), a slash command or a `!` command. */
  submit(text: string, images: readonly string[] = []): void {
    const problem = this.deps.history.add(text);
    if (problem) this.add({ type: "notice", level: "warning", text: problem });
    const slash = parseSlashCommand(text);
    if (slash && "error" in slash) {
      this.add({ type: "notice", level: "error", text: slash.error });
      return;
    }
    if (slash) {
      void runSlashCommand(this, slash).catch((err: unknown) => this.#fail(err));
      return;
    }
    if (this.#busy) {
      this.#queued = [...this.#queued, { text, images: [...images] }];
      this.notify();
      return;
    }
    if (text.startsWith("!")) this.#start(() => this.#shell(text.slice(1).trim()));
    else this.#start(() => this.#turn(text, text, images));
  }

  /** Runs a turn on a prompt the interface wrote (/init), showing `shown` as the user's message. */
  startTurn(prompt: string, shown: string): void {
    this.#start(() => this.#turn(prompt, shown));
  }

  /** Runs a slash command's long job (compaction) as the busy operation. */
  startJob(busy: Busy["kind"], label: string, job: (signal: AbortSignal) => Promise<void>): void {
    this.#start(async () => {
      const abort = this.#begin(busy, label);
      try {
        await job(abort.signal);
      } finally {
        this.#end();
      }
    });
  }

  #start(job: () => Promise<void>): void {
    this.#running = this.#running.then(job).catch((err: unknown) => this.#fail(err));
  }

  /**
   * Esc / Ctrl-C: stops what is running (a pending approval is answered "abort"). Returns
   * whether something was interrupted and the queued messages, handed back for editing.
   */
  interrupt(): { interrupted: boolean; queued: string } {
    const queued = this.#queued.map((entry) => entry.text).join("\n\n");
    this.#queued = [];
    if (!this.#abort) {
      this.notify();
      return { interrupted: false, queued };
    }
    for (const pending of this.#approvals.splice(0)) pending.resolve("abort");
    this.questions.clear();
    this.#abort.abort(new Error("interrupted by the user"));
    this.notify();
    return { interrupted: true, queued };
  }

  answer(decision: ApprovalDecision): void {
    const pending = this.#approvals.shift();
    if (!pending) return;
    pending.resolve(decision);
    this.notify();
  }

  openPicker(picker: Picker): void {
    this.#picker = picker;
    this.notify();
  }

  closePicker(value: string | null): void {
    const picker = this.#picker;
    this.#picker = null;
    this.notify();
    if (picker && value !== null) picker.choose(value);
    else picker?.cancel?.();
  }

  /** Adds context the model gets with the next prompt. */
  noteForModel(note: string): void {
    this.#notes.push(note);
  }

  requestExit(): void {
    this.#exitRequested = true;
    this.notify();
  }

  /** Stops what runs and closes the session (after the interface is gone). */
  async shutdown(): Promise<void> {
    this.interrupt();
    await this.#running;
    await this.#session?.close();
  }

  refreshFooter(): void {
    if (this.#session) this.#footer = footerInfo(this.#session);
    this.notify();
  }

  // --- the busy operations ---

  #begin(kind: Busy["kind"], label: string): AbortController {
    this.#busy = { kind, label, since: this.deps.now() };
    this.#abort = new AbortController();
    this.notify();
    return this.#abort;
  }

  #end(): void {
    this.transcript.settle();
    this.#busy = null;
    this.#abort = null;
    this.#retry = null;
    for (const pending of this.#approvals.splice(0)) pending.resolve("abort");
    this.questions.clear();
    this.refreshFooter();
    // An interrupt hands the queue back to the prompt: what is queued now was sent after it.
    const next = this.#queued[0];
    if (next !== undefined) {
      this.#queued = this.#queued.slice(1);
      this.submit(next.text, next.images);
    }
  }

  async #turn(prompt: string, shown: string, attached: readonly string[] = []): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const images = [...this.#pendingImages, ...attached];
    let message: ResponseItem[];
    try {
      // Read (and refused, for a model that takes none) before anything is shown as sent.
      message = await session.userInput(prompt, images);
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      this.add({ type: "notice", level: "error", text: err.message });
      return;
    }
    this.#pendingImages = [];
    const extra = this.#pendingImagesShown(images, prompt);
    this.add({ type: "user", text: extra ? `${shown}\n${extra}` : shown });
    const abort = this.#begin("turn", "Working");
    try {
      const problem = await this.deps.checkpoints.beforeTurn(shown.slice(0, 80));
      if (problem && !this.#checkpointProblemShown) {
        this.#checkpointProblemShown = true;
        this.add({ type: "notice", level: "warning", text: problem });
      }
      const notes = this.#notes.splice(0);
      const input: ResponseItem[] = [...notes.map((note) => userMessage(note)), ...message];
      for await (const event of session.runTurn(input, { signal: abort.signal })) this.onEvent(event);
    } finally {
      // The snapshot after the turn runs in the background; checkpoints keep their own order.
      void this.deps.checkpoints.afterTurn().catch(() => {});
      this.#end();
    }
  }

  /** Images the prompt's text does not name (those given with `-i`), as a line for the transcript. */
  #pendingImagesShown(images: readonly string[], prompt: string): string {
    const unnamed = images.filter((file) => !prompt.includes(`: ${path.basename(file)}]`));
    return unnamed.map((file) => `[image: ${path.basename(file)}]`).join(" ");
  }

  /** One event of a turn or a compaction. */
  onEvent(event: AgentEvent): void {
    if (event.type === "retry")
      this.#retry = `Reconnecting (${event.attempt}/${event.maxAttempts}): ${event.message}`;
    else if (event.type !== "token_count") this.#retry = null;
    this.transcript.apply(event);
    if (event.type === "token_count" && this.#session) this.#footer = footerInfo(this.#session);
    this.notify();
  }

  async #shell(command: string): Promise<void> {
    const session = this.#session;
    if (command === "") {
      this.add({ type: "notice", level: "error", text: "type a command after !, e.g. !git status" });
      return;
    }
    this.add({ type: "user", text: `!${command}` });
    const abort = this.#begin("shell", "Running");
    const callId = `user-shell-${this.deps.now()}`;
    const display = (
      status: "running" | "completed" | "failed",
      exitCode: number | null,
      output: string,
      durationMs?: number,
    ) => ({ kind: "command", command, status, exitCode, output, durationMs }) as const;
    this.onEvent({
      type: "tool_call_started",
      callId,
      name: "!",
      input: command,
      display: display("running", null, ""),
    });
    try {
      const result = await runShellCommand({
        command,
        cwd: session?.settings.cwd ?? this.deps.spec.cwd,
        env: this.deps.env,
        signal: abort.signal,
        onOutput: (text) => this.onEvent({ type: "tool_call_progress", callId, text }),
        now: this.deps.now,
      });
      const ok = result.exitCode === 0;
      this.onEvent({
        type: "tool_call_completed",
        callId,
        name: "!",
        input: command,
        success: ok,
        output: result.output,
        display: display(ok ? "completed" : "failed", result.exitCode, result.output, result.durationMs),
      });
      this.noteForModel(
        `<user_shell_command>\n$ ${command}\nexit code: ${result.exitCode ?? "killed"}\n${result.truncated ? "[earlier output dropped]\n" : ""}${result.output}\n</user_shell_command>`,
      );
    } finally {
      this.#end();
    }
  }

  #fail(err: unknown): void {
    this.add({
      type: "notice",
      level: "error",
      text: `Internal error: ${(err as Error)?.message ?? String(err)}`,
    });
  }
}
