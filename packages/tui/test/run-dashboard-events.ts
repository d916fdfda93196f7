import type { SessionEvent } from "@nightshift/core";
import type { RunEvent, RunEventBody, RunSnapshot } from "@nightshift/runner";

/** Run events as the runner writes them: seq in order, ts from a clock the test sets. */
export function runEvents(start = Date.parse("2026-05-01T21:30:00Z")) {
  let seq = 0;
  return (body: RunEventBody, atMs = start): RunEvent =>
    ({ ...body, seq: ++seq, ts: new Date(atMs).toISOString() }) as RunEvent;
}

export function sessionEvent(body: Record<string, unknown>): SessionEvent {
  return { seq: 1, ts: "2026-05-01T21:30:00.000Z", turnId: "t1", ...body } as SessionEvent;
}

export function snapshot(over: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    run_id: "20260501-213000-abcdef",
    task: "write two files",
    workspace: "/work/demo",
    live: true,
    phase: "working",
    ending: null,
    hours: 2,
    max_cost: 10,
    hourly_fee: 0,
    active_ms: 0,
    saved_at: Date.parse("2026-05-01T21:30:00Z"),
    tokens_usd: 0,
    stages: [],
    last_checkpoint: null,
    events_file: "/nowhere/events.jsonl",
    ...over,
  };
}
