import fs from "node:fs";
import path from "node:path";
import { type FaultSpec, fault, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

const call = functionCall("shell", { command: ["bash", "-lc", "echo ran >> log.txt"] }, "c1");
// Frames of reply(call): created, in_progress, added, 3 argument deltas, arguments.done,
// output_item.done (7), completed (8).
const CALL_DONE = 7;
const answered = { match: { lastInput: { type: "function_call_output", contains: "Exit code: 0" } } };

// biome-ignore lint/suspicious/noExplicitAny: items are checked field by field
const countOf = (items: any[], type: string) =>
  items.filter((i) => i.type === type && i.call_id === "c1").length;

/** response_item payloads of the session's rollout. */
function rolloutItems(home: string) {
  const sessions = path.join(home, "sessions");
  const [file] = fs
    .readdirSync(sessions, { recursive: true })
    .map(String)
    .filter((name) => path.basename(name).startsWith("rollout-"));
  return fs
    .readFileSync(path.join(sessions, file!), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .filter((line) => line.type === "response_item")
    .map((line) => line.payload);
}

function expectRanAndRecordedOnce(requests: number) {
  expect(h.server.failures).toEqual([]);
  expect(fs.readFileSync(path.join(h.workspace, "log.txt"), "utf8")).toBe("ran\n");
  expect(h.server.requests).toHaveLength(requests);
  for (let index = 1; index < requests; index++) {
    expect(countOf(inputOf(h.server, index), "function_call")).toBe(1);
    expect(countOf(inputOf(h.server, index), "function_call_output")).toBe(1);
  }
  const recorded = rolloutItems(h.home);
  expect(countOf(recorded, "function_call")).toBe(1);
  expect(countOf(recorded, "function_call_output")).toBe(1);
}

describe("exec never runs or records a call twice", () => {
  const inOneStream: [string, FaultSpec][] = [
    ["repeats the call's event byte for byte", { type: "repeat", event: CALL_DONE }],
    ["sends output_item.done for the call twice", { type: "duplicate_item_done", item: 0 }],
  ];
  for (const [name, spec] of inOneStream) {
    it(`when the stream ${name}`, async () => {
      h = await startHarness(scenario(fault(spec, reply(call)), { ...answered, ...reply(text("done")) }));
      const result = await h.run(["exec", "--json", "-s", "danger-full-access", "log once"]);
      expect(result.code).toBe(0);
      expectRanAndRecordedOnce(2);
    });
  }

  it("when a retried response replays a call that was already answered", async () => {
    h = await startHarness(
      scenario(
        fault({ type: "cut", afterEvents: CALL_DONE + 1 }, reply(call)),
        fault({ type: "replay_answered_call" }, { ...answered, ...reply() }),
        { ...answered, ...reply(text("done")) },
      ),
      { idleTimeoutMs: 500 },
    );
    const result = await h.run(["exec", "--json", "-s", "danger-full-access", "log once"]);
    expect(result.code).toBe(0);
    expectRanAndRecordedOnce(3);
    const events = h.jsonEvents(result);
    const warnings = events.filter((e) => e.type === "item.completed" && e.item.type === "error");
    expect(warnings.map((e) => e.item.message)).toEqual([
      "the model sent call c1 (shell) again; it was already recorded, so it did not run twice",
    ]);
    const commands = events.filter((e) => e.type === "item.completed" && e.item.type === "command_execution");
    expect(commands).toHaveLength(1);
    expect(events.at(-1).type).toBe("turn.completed");
  });
});
