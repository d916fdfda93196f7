import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionEvent } from "../../src/agent/events.js";
import { userMessage } from "../../src/model/items.js";
import { JsonlSessionStore } from "../../src/session/jsonl-store.js";
import { SessionBusyError } from "../../src/session/session-lock.js";

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "ns-store-"));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const meta = (id: string, cwd: string, created: string) => ({
  id,
  created_at: created,
  cwd,
  model: "m",
  model_provider: "p",
  instructions: "i",
  tools: [],
  cli_version: "0",
});

function clockAt(iso: string) {
  let now = new Date(iso).getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe("the JSONL session store", () => {
  it("finds sessions by id, unique prefix, and the latest of a folder through its index", () => {
    const clock = clockAt("2026-11-21T00:00:00Z");
    const store = new JsonlSessionStore(home, clock.now);
    const a = store.create(meta("aaaa1111-0000", "/proj/one", "2026-11-20T00:00:00.000Z"));
    const b = store.create(meta("bbbb2222-0000", "/proj/two", "2026-11-21T00:00:00.000Z"));
    a.close();
    b.close();
    clock.advance(60_000);
    const reopened = store.open(store.find({ id: "aaaa" })!);
    reopened.log.append("response_item", userMessage("later"));
    reopened.log.sync(); // a turn ended: the index learns it was updated
    reopened.log.close();

    expect(store.find({ last: true })?.id).toBe("aaaa1111-0000");
    expect(store.find({ last: true, cwd: "/proj/two" })?.id).toBe("bbbb2222-0000");
    expect(store.find({ last: true, cwd: "/elsewhere" })).toBeNull();
    expect(store.find({ id: "cccc" })).toBeNull();
    expect(() => store.find({ id: "" })).toThrow(/ambiguous/);
    expect(store.list({ cwd: "/proj/one" }).map((ref) => ref.id)).toEqual(["aaaa1111-0000"]);
  });

  it("rebuilds a lost index from the rollouts' first lines", () => {
    const store = new JsonlSessionStore(home, () => new Date("2026-11-21T00:00:00Z"));
    store.create(meta("1234abcd", "/p", "2026-11-21T00:00:00.000Z")).close();
    fs.rmSync(path.join(home, "sessions", "index.jsonl"));
    const again = new JsonlSessionStore(home, () => new Date());
    expect(again.find({ last: true, cwd: "/p" })?.id).toBe("1234abcd");
    expect(fs.existsSync(path.join(home, "sessions", "index.jsonl"))).toBe(true);
  });

  it("lets one process at a time append to a session, and takes over a dead owner's lock", () => {
    const store = new JsonlSessionStore(home, () => new Date("2026-11-21T00:00:00Z"));
    const log = store.create(meta("lock-me", "/p", "2026-11-21T00:00:00.000Z"));
    const ref = store.find({ id: "lock-me" })!;
    expect(() => store.open(ref)).toThrow(SessionBusyError);
    log.close();
    // A process that died holding it: its pid is gone.
    const dead = spawnSync(process.execPath, [
      "-e",
      "process.stdout.write(String(process.pid))",
    ]).stdout.toString();
    fs.writeFileSync(`${ref.path}.lock`, `${dead} 1\n`);
    const opened = store.open(ref);
    expect(opened.loaded.meta.id).toBe("lock-me");
    opened.log.close();
    expect(fs.existsSync(`${ref.path}.lock`)).toBe(false);
  });

  it("reads back the persisted events after a seq", () => {
    const store = new JsonlSessionStore(home, () => new Date("2026-11-21T00:00:00Z"));
    const log = store.create(meta("ev", "/p", "2026-11-21T00:00:00.000Z"));
    const event = (seq: number): SessionEvent => ({
      type: "warning",
      message: `w${seq}`,
      seq,
      ts: "2026-11-21T00:00:00.000Z",
      turnId: null,
    });
    for (const seq of [1, 2, 3]) log.append("event", event(seq));
    log.close();
    const ref = store.find({ id: "ev" })!;
    expect(store.readEvents(ref, 1).map((e) => e.seq)).toEqual([2, 3]);
    const { loaded, log: reopened } = store.open(ref);
    expect(loaded.lastSeq).toBe(3);
    reopened.close();
  });
});
