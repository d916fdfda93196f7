import fs from "node:fs";
import { nightshiftHome } from "@nightshift/core";
import {
  type RunEvent,
  type RunReport,
  type RunSnapshot,
  RunStateError,
  readRunSnapshot,
  resolveRunId,
} from "@nightshift/runner";
import { EventTail } from "./event-tail.js";
import { openRunFace } from "./run-face.js";
import type { RunIo } from "./run-options.js";
import { runSummary } from "./run-summary.js";

type Completed = Extract<RunEvent, { type: "run.completed" }>;

/**
 * `nightshift run attach RUN_ID`: shows a run another process works on (its dashboard on a
 * terminal, its event lines otherwise) until it ends. Exit 0 when it completed, 1 when it ended
 * otherwise or stopped without ending, 130 when the user detached (the run goes on).
 */
export async function runAttachCommand(idOrPrefix: string, io: RunIo): Promise<number> {
  const home = nightshiftHome(io.env);
  let runId: string;
  let snapshot: RunSnapshot;
  try {
    runId = resolveRunId(home, idOrPrefix);
    snapshot = readRunSnapshot(home, runId);
  } catch (err) {
    if (err instanceof RunStateError) {
      io.stderr.write(`nightshift: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const face = await openRunFace(io, home, "Ctrl-C detaches: the run goes on", runId);
  const tail = new EventTail(snapshot.events_file);
  let completed: Completed | null = null;
  const pump = () => {
    for (const event of tail.read()) {
      face.run(event);
      // A cancelled run may be resumed: only the last ending counts.
      if (event.type === "run.started") completed = null;
      if (event.type === "run.completed") completed = event;
    }
  };
  face.show();
  pump();

  // The signal handlers stay until the command is done: Ink's exit hook re-raises a signal that
  // finds no other listener, which would end the process before it says it detached.
  let detach = () => {};
  const onSignal = () => detach();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await attach();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  async function attach(): Promise<number> {
    const outcome = await new Promise<"ended" | "stopped" | "detached">((resolve) => {
      const settle = (how: "ended" | "stopped" | "detached") => {
        stopWatching();
        clearInterval(timer);
        resolve(how);
      };
      const check = () => {
        pump();
        if (completed) return settle("ended");
        try {
          snapshot = readRunSnapshot(home, runId);
        } catch {
          return; // being replaced: read it next time
        }
        if (snapshot.live) return;
        // Nobody works on it: whatever it wrote before stopping is in the file now.
        pump();
        settle(completed ? "ended" : "stopped");
      };
      detach = () => settle("detached");
      const stopWatching = tail.watch(() => {
        pump();
        if (completed) settle("ended");
      });
      const timer = setInterval(check, 1000);
      check();
    });
    await face.close();

    if (outcome === "detached") {
      io.stderr.write(
        `nightshift: detached from run ${runId}; it goes on (watch again with: nightshift run attach ${runId})\n`,
      );
      return 130;
    }
    const ended = completed as Completed | null;
    if (outcome === "stopped" || ended === null) {
      const status = snapshot.phase === "ended" ? (snapshot.ending?.status ?? "ended") : "interrupted";
      io.stdout.write(
        status === "interrupted"
          ? `interrupted: no process works on run ${runId}; continue it with: nightshift run resume ${runId}\n`
          : `${status}: ${snapshot.ending?.reason ?? ""}\n`,
      );
      return 1;
    }
    const report = readReport(ended.report);
    io.stdout.write(report ? runSummary(report, ended.report) : `${ended.status}\nreport: ${ended.report}\n`);
    return ended.status === "completed" ? 0 : 1;
  }
}

function readReport(file: string): RunReport | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as RunReport;
  } catch {
    return null;
  }
}
