import { spawn } from "node:child_process";
import type { Writable } from "node:stream";
import { signalName, signalProcessGroup } from "./process-group.js";
import type { PtyModule } from "./pty.js";

/** How a long-lived process ended: an exit code, a signal, or a failure to start. */
export type InteractiveExit = { code: number | null; signal: string | null; spawnError?: string };

/** A started process that takes input and gives output until it exits. */
export type InteractiveProcess = {
  pid: number | undefined;
  /** "pipes" when no terminal could be had (stdin and stdout/stderr are then plain pipes). */
  mode: "pty" | "pipes";
  write(text: string): void;
  /** Resolves once the process exited and all its output was delivered. Never rejects. */
  exited: Promise<InteractiveExit>;
  /** SIGKILL to the whole process group; the output streams are let go. */
  kill(): void;
};

export type InteractiveRequest = {
  /** Final argv (already wrapped by the sandbox). */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Bytes for fds 3, 4, ... (pipes only). */
  extraInputs?: Uint8Array[];
};

/** Starts `request` on a pseudo-terminal; output arrives (decoded) through `onData`. */
export function startPty(
  pty: PtyModule,
  request: InteractiveRequest,
  onData: (text: string) => void,
): InteractiveProcess | { error: string } {
  let term: ReturnType<PtyModule["spawn"]>;
  try {
    term = pty.spawn(request.argv[0]!, request.argv.slice(1), {
      name: request.env.TERM ?? "dumb",
      cols: 120,
      rows: 40,
      cwd: request.cwd,
      env: request.env,
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  term.onData(onData);
  // node-pty reports the exit after the terminal's output was read to the end.
  const exited = new Promise<InteractiveExit>((resolve) => {
    term.onExit(({ exitCode, signal }) =>
      resolve(signal ? { code: null, signal: signalName(signal) } : { code: exitCode, signal: null }),
    );
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    pid: term.pid,
    mode: "pty",
    exited,
    write: (text) => {
      if (!done) term.write(text);
    },
    kill: () => signalProcessGroup(term.pid, "SIGKILL"),
  };
}

/** Starts `request` with plain pipes: stdin is writable, stdout and stderr are merged. */
export function startPiped(request: InteractiveRequest, onData: (text: string) => void): InteractiveProcess {
  const extra = request.extraInputs ?? [];
  const child = spawn(request.argv[0]!, request.argv.slice(1), {
    cwd: request.cwd,
    env: request.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe", ...extra.map(() => "pipe" as const)],
  });
  extra.forEach((data, i) => {
    const stream = child.stdio[3 + i] as Writable | null;
    stream?.on("error", () => {});
    stream?.end(data);
  });
  child.stdin!.on("error", () => {});
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding("utf8");
    stream.on("data", onData);
    stream.on("error", () => {});
  }
  // "close" comes after the output streams ended, so no output is left behind.
  const exited = new Promise<InteractiveExit>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
    child.once("error", (err) => resolve({ code: null, signal: null, spawnError: err.message }));
  });
  return {
    pid: child.pid,
    mode: "pipes",
    exited,
    write: (text) => {
      if (child.stdin!.writable) child.stdin!.write(text);
    },
    kill: () => {
      signalProcessGroup(child.pid, "SIGKILL");
      // A grandchild that left the group may hold the pipes open: stop waiting for it.
      child.stdout!.destroy();
      child.stderr!.destroy();
    },
  };
}
