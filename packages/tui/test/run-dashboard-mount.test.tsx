import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import type { DashboardAction } from "../src/run-dashboard/dashboard-state.js";
import { mountRunDashboard } from "../src/run-dashboard/mount-dashboard.js";
import { runEvents, snapshot } from "./run-dashboard-events.js";
import { stripAnsi } from "./tui-harness.js";

class TerminalOut extends Writable {
  isTTY = true;
  columns = 80;
  rows = 24;
  written = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void) {
    this.written += chunk.toString();
    done();
  }
}

const T0 = Date.parse("2026-05-01T21:30:00Z");

describe("the mounted run dashboard", () => {
  it("redraws every second from the injected timer and clock, inline and in synchronized output, until closed", async () => {
    const out = new TerminalOut();
    let now = T0;
    const ticks: (() => void)[] = [];
    const stopped = vi.fn();
    let refreshes = 0;
    const dashboard = mountRunDashboard({
      stream: out as unknown as NodeJS.WriteStream,
      env: { TERM: "xterm-256color" },
      hint: "Ctrl-C cancels the run",
      now: () => now,
      every: (ms, tick) => {
        expect(ms).toBe(1000);
        ticks.push(tick);
        return stopped;
      },
      refresh: (): DashboardAction => {
        refreshes++;
        return {
          type: "snapshot",
          snapshot: snapshot({ active_ms: 0, saved_at: T0, tokens_usd: refreshes }),
        };
      },
      patchConsole: false,
    });
    const ev = runEvents(T0);
    dashboard.dispatch({
      type: "run",
      event: ev({ type: "run.started", run_id: "r-1", task: "the task", workspace: "/w", resumed: false }),
    });
    dashboard.dispatch({ type: "snapshot", snapshot: snapshot({ active_ms: 0, saved_at: T0 }) });
    await vi.waitFor(() => expect(stripAnsi(out.written)).toContain("0m00s worked"), {
      timeout: 10_000,
      interval: 10,
    });

    now = T0 + 65_000;
    ticks[0]!();
    await vi.waitFor(() => expect(stripAnsi(out.written)).toContain("1m05s worked · 1h58m left of 2h"), {
      timeout: 10_000,
      interval: 10,
    });
    expect(stripAnsi(out.written)).toContain("$1.00 of $10.00");
    expect(out.written).toContain("\u001b[?2026h");
    expect(out.written).not.toContain("\u001b[?1049h");

    await dashboard.close();
    expect(stopped).toHaveBeenCalled();
    expect(dashboard.state().tokensUsd).toBe(2); // a last snapshot for the final frame
  });
});
