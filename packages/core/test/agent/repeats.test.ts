import fs from "node:fs";
import path from "node:path";
import { type FaultSpec, fault, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentEvent } from "../../src/agent/events.js";
import { RepeatFilter } from "../../src/agent/repeat-filter.js";
import type { ResponseItem } from "../../src/model/items.js";
import { defineFunctionTool, type Tool } from "../../src/tools/tool.js";
import { agentAgainstFakeServer } from "../helpers/agent.js";

type Setup = Awaited<ReturnType<typeof agentAgainstFakeServer>>;
let setup: Setup;
afterEach(async () => setup?.close());

/** A tool that counts its runs. */
function countingTool(runs: string[]): Tool {
  return defineFunctionTool({
    name: "touch",
    description: "test tool",
    readOnly: false,
    parameters: z.object({ id: z.string() }),
    async execute({ id }) {
      runs.push(id);
      return { success: true, output: `touched ${id}` };
    },
  });
}

const call = functionCall("touch", { id: "x" }, "c1");
// Frames of reply(call): created, in_progress, added, 3 argument deltas, arguments.done,
// output_item.done (7), completed (8).
const CALL_DONE = 7;
// Frames of reply(text("hello")): ..., output_item.done (9), completed (10).
const TEXT_DONE = 9;

type Item = { type: string; call_id?: string; role?: string };
const inputOf = (s: Setup, index: number) => s.server.requests[index]!.body!.input as Item[];
const count = (items: Item[], type: string, callId = "c1") =>
  items.filter((i) => i.type === type && (i.call_id === undefined || i.call_id === callId)).length;
const messages = (events: AgentEvent[]) =>
  events.flatMap((e) => (e.type === "agent_message" ? [e.text] : []));

describe("a stream or a retry that sends something again", () => {
  const once: [string, FaultSpec][] = [
    ["repeats the call's output_item.done event byte for byte", { type: "repeat", event: CALL_DONE }],
    ["sends output_item.done for the call twice", { type: "duplicate_item_done", item: 0 }],
  ];
  for (const [name, spec] of once) {
    it(`runs and records a call once when the stream ${name}`, async () => {
      const runs: string[] = [];
      setup = await agentAgainstFakeServer(scenario(fault(spec, reply(call)), reply(text("done"))), {
        tools: [countingTool(runs)],
      });
      const events = await setup.turn("go");
      expect(setup.server.failures).toEqual([]);
      expect(events.at(-1)!.type).toBe("turn_completed");
      expect(runs).toEqual(["x"]);
      const input = inputOf(setup, 1);
      expect(count(input, "function_call")).toBe(1);
      expect(count(input, "function_call_output")).toBe(1);
    });
  }

  it("does not run or record again a call a retried response replays", async () => {
    const runs: string[] = [];
    setup = await agentAgainstFakeServer(
      scenario(
        fault({ type: "cut", afterEvents: CALL_DONE + 1 }, reply(call)),
        fault({ type: "replay_answered_call" }, reply()),
        reply(text("done")),
      ),
      { tools: [countingTool(runs)] },
    );
    const events = await setup.turn("go");
    expect(setup.server.failures).toEqual([]);
    expect(runs).toEqual(["x"]);
    // The replayed call is not new, but its output still needs the model's answer: a third request.
    expect(setup.server.requests).toHaveLength(3);
    for (const index of [1, 2]) {
      expect(count(inputOf(setup, index), "function_call")).toBe(1);
      expect(count(inputOf(setup, index), "function_call_output")).toBe(1);
    }
    expect(setup.server.requests[2]!.rawBody).toBe(setup.server.requests[1]!.rawBody);
    expect(events.filter((e) => e.type === "warning").map((e) => (e as { message: string }).message)).toEqual(
      ["the model sent call c1 (touch) again; it was already recorded, so it did not run twice"],
    );
    expect(events.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "done" });
  });

  it("shows and records a final answer once when a retried attempt sends it again", async () => {
    setup = await agentAgainstFakeServer(
      scenario(
        fault({ type: "cut", afterEvents: TEXT_DONE + 1 }, reply(text("hello"))),
        reply(text("hello")),
      ),
    );
    const events = await setup.turn("go");
    expect(events.some((e) => e.type === "retry")).toBe(true);
    expect(messages(events)).toEqual(["hello"]);
    expect(events.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "hello" });
    // Codex's rule: the failed attempt's completed answer stays in history, and the retry carries it.
    const retried = inputOf(setup, 1);
    expect(retried.at(-1)).toMatchObject({ type: "message", role: "assistant" });
    const history = setup.agent.history.items.filter((i) => i.type === "message" && i.role === "assistant");
    expect(history).toHaveLength(1);
  });

  it("keeps a different answer from the retry: it is new, and shown", async () => {
    setup = await agentAgainstFakeServer(
      scenario(
        fault({ type: "cut", afterEvents: TEXT_DONE + 1 }, reply(text("first"))),
        reply(text("second")),
      ),
    );
    const events = await setup.turn("go");
    expect(messages(events)).toEqual(["first", "second"]);
    expect(
      setup.agent.history.items.filter((i) => i.type === "message" && i.role === "assistant"),
    ).toHaveLength(2);
  });
});

describe("usage a server leaves out", () => {
  it("is accounted by estimate, marked as estimated in the ledger and the rollout, never an error", async () => {
    setup = await agentAgainstFakeServer(
      scenario({ ...reply(text("hello")), omitUsage: true }, reply(text("again"))),
    );
    const first = await setup.turn("go");
    expect(first.at(-1)!.type).toBe("turn_completed");
    const bytes = Buffer.byteLength(setup.server.requests[0]!.rawBody);
    expect(first.find((e) => e.type === "token_count")).toMatchObject({
      last: { input_tokens: Math.ceil(bytes / 4), output_tokens: Math.ceil("hello".length / 4) },
    });
    await setup.turn("more");
    expect(setup.agent.ledger.requests).toBe(2);
    expect(setup.agent.ledger.estimatedRequests).toBe(1);
    setup.agent.rollout.sync();
    const usageLines = fs
      .readFileSync(path.join(setup.dir, "rollout.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((line) => line.type === "usage");
    expect(usageLines.map((line) => line.payload.estimated)).toEqual([true, undefined]);
  });
});

describe("RepeatFilter", () => {
  const message = (text: string): ResponseItem => ({
    type: "message",
    role: "assistant",
    content: [{ type: "output_text", text }],
  });
  const fc = (callId: string, args = "{}"): ResponseItem => ({
    type: "function_call",
    name: "shell",
    arguments: args,
    call_id: callId,
  });

  it("drops calls whose id history holds, and items this request already admitted", () => {
    const warnings: string[] = [];
    const filter = new RepeatFilter([message("old answer"), fc("a")], (w) => warnings.push(w));
    expect(filter.admit(fc("a", '{"other":1}'))).toBe(false);
    expect(filter.admit(fc("b"))).toBe(true);
    expect(filter.admit(fc("b"))).toBe(false);
    expect(warnings).toHaveLength(2);
    // Earlier turns may say the same thing again: only this request's items count.
    expect(filter.admit(message("old answer"))).toBe(true);
    expect(filter.admit(message("old answer"))).toBe(false);
    // Calls without an id are told apart by their content only.
    expect(filter.admit(fc(""))).toBe(true);
    expect(filter.admit(fc("", '{"x":1}'))).toBe(true);
    expect(filter.admit(fc(""))).toBe(false);
  });
});
