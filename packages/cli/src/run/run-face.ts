import type { SessionEvent } from "@nightshift/core";
import { type RunEvent, readRunSnapshot } from "@nightshift/runner";
import type { RunIo } from "./run-options.js";
import { RunHumanPrinter } from "./run-printer.js";

/** How a run is shown on stderr: a live dashboard on a terminal, one line per event otherwise. */
export type RunFace = {
  run(event: RunEvent): void;
  session(event: SessionEvent): void;
  /** Something the command itself has to say while the run is shown (a signal). */
  note(text: string): void;
  /** Draws the dashboard now (before any event). */
  show(): void;
  /** Draws the last frame and lets go of the terminal. */
  close(): Promise<void>;
};

/** A terminal that can draw the dashboard (stderr is a TTY and not a dumb one). */
export function wantsDashboard(io: RunIo): boolean {
  return (io.stderr as NodeJS.WriteStream).isTTY === true && io.env.TERM !== "dumb";
}

/** `runId` when it is known before the first event (`run attach`). */
export async function openRunFace(
  io: RunIo,
  home: string,
  hint: string,
  runId: string | null = null,
): Promise<RunFace> {
  if (!wantsDashboard(io)) {
    const printer = new RunHumanPrinter((text) => io.stderr.write(text));
    return {
      run: (event) => printer.run(event),
      session: (event) => printer.session(event),
      show: () => {},
      note: (text) => io.stderr.write(`nightshift: ${text}\n`),
      close: async () => {},
    };
  }
  const { mountRunDashboard } = await import("@nightshift/tui/run-dashboard");
  const snapshot = () => {
    if (runId === null) return null;
    try {
      return { type: "snapshot" as const, snapshot: readRunSnapshot(home, runId) };
    } catch {
      return null; // being written: the next second reads it
    }
  };
  // Drawn from the first event on, so an error before the run starts is a plain line.
  let dashboard: ReturnType<typeof mountRunDashboard> | null = null;
  const draw = () => {
    if (dashboard) return dashboard;
    dashboard = mountRunDashboard({
      stream: io.stderr as NodeJS.WriteStream,
      env: io.env,
      hint,
      refresh: snapshot,
    });
    const first = snapshot();
    if (first) dashboard.dispatch(first);
    return dashboard;
  };
  return {
    show: () => void draw(),
    run(event) {
      draw().dispatch({ type: "run", event });
      if (event.type === "run.started" && runId === null) {
        runId = event.run_id;
        const first = snapshot();
        if (first) draw().dispatch(first);
      }
    },
    session: (event) => draw().dispatch({ type: "session", event }),
    note(text) {
      if (dashboard) dashboard.dispatch({ type: "note", note: { tone: "warn", text } });
      else io.stderr.write(`nightshift: ${text}\n`);
    },
    close: async () => dashboard?.close(),
  };
}
