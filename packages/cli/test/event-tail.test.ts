import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EventTail } from "../src/run/event-tail.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function eventsFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-tail-"));
  dirs.push(dir);
  return path.join(dir, "events.jsonl");
}

const line = (seq: number, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ type: "run.stage", seq, ts: "2026-05-01T00:00:00.000Z", ...extra })}\n`;

describe("EventTail", () => {
  it("reads nothing before the file exists, then the whole lines appended since the last read", () => {
    const file = eventsFile();
    const tail = new EventTail(file);
    expect(tail.read()).toEqual([]);
    fs.writeFileSync(file, line(1) + line(2));
    expect(tail.read().map((e) => e.seq)).toEqual([1, 2]);
    expect(tail.read()).toEqual([]);
    fs.appendFileSync(file, line(3));
    expect(tail.read().map((e) => e.seq)).toEqual([3]);
  });

  it("keeps a partial last line (even one cut inside a UTF-8 character) until its end arrives", () => {
    const file = eventsFile();
    const tail = new EventTail(file);
    const whole = Buffer.from(line(1, { title: "café ☕" }));
    const cut = whole.indexOf(Buffer.from("☕")) + 1;
    fs.writeFileSync(file, whole.subarray(0, cut));
    expect(tail.read()).toEqual([]);
    fs.appendFileSync(file, whole.subarray(cut));
    expect(tail.read()).toEqual([expect.objectContaining({ seq: 1, title: "café ☕" })]);
  });

  it("skips a line torn by a kill (the runner ends it before the next) and lines that are not events", () => {
    const file = eventsFile();
    fs.writeFileSync(file, `${line(1)}{"type":"run.sta\n${line(2)}[1,2]\n\n`);
    expect(new EventTail(file).read().map((e) => e.seq)).toEqual([1, 2]);
  });

  it("reads a long history in pieces", () => {
    const file = eventsFile();
    const many = Array.from({ length: 3000 }, (_, i) => line(i + 1, { summary: "x".repeat(40) })).join("");
    expect(many.length).toBeGreaterThan(1 << 17);
    fs.writeFileSync(file, many);
    const events = new EventTail(file).read();
    expect(events).toHaveLength(3000);
    expect(events.at(-1)!.seq).toBe(3000);
  });

  it("calls back when the run's folder changes", async () => {
    const file = eventsFile();
    const tail = new EventTail(file);
    const changed = vi.fn();
    const stop = tail.watch(changed);
    try {
      fs.appendFileSync(file, line(1));
      await vi.waitFor(() => expect(changed).toHaveBeenCalled(), { timeout: 5_000, interval: 10 });
      expect(tail.read().map((e) => e.seq)).toEqual([1]);
    } finally {
      stop();
    }
  });
});
