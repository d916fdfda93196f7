import { describe, expect, it } from "vitest";
import { readSse } from "../../../src/model/sse.js";
import { ModelError, type ModelStreamEvent, parseChatStream } from "../../helpers/internals.js";

async function* frames(...chunks: (object | string)[]): AsyncGenerator<{ data: string }> {
  for (const chunk of chunks) yield { data: typeof chunk === "string" ? chunk : JSON.stringify(chunk) };
}

const context = { requestBytes: 400, callIdFor: (index: number) => `gen_${index}` };
const delta = (d: object, finish: string | null = null) => ({
  id: "cmpl-1",
  choices: [{ index: 0, delta: d, finish_reason: finish }],
});

async function run(events: AsyncIterable<{ data: string }>): Promise<ModelStreamEvent[]> {
  const out: ModelStreamEvent[] = [];
  for await (const event of parseChatStream(events, context)) out.push(event);
  return out;
}

describe("parseChatStream", () => {
  it("generates ids for calls without one (or with a repeated one) and ends at finish without [DONE]", async () => {
    const events = await run(
      frames(
        delta({ tool_calls: [{ index: 0, function: { name: "shell", arguments: "{}" } }] }),
        delta({ tool_calls: [{ index: 1, id: "same", function: { name: "shell", arguments: "{}" } }] }),
        delta(
          { tool_calls: [{ index: 2, id: "same", function: { name: "grep", arguments: "{}" } }] },
          "tool_calls",
        ),
      ),
    );
    const calls = events.flatMap((e) =>
      e.type === "item_done" && e.item.type === "function_call" ? [e.item.call_id] : [],
    );
    expect(calls).toEqual(["gen_0", "same", "gen_2"]);
    expect(events.at(-1)).toMatchObject({
      type: "completed",
      responseId: "cmpl-1",
      usage: { input_tokens: 100 },
    });
  });

  it("reads reasoning objects and usage sent alongside a choice", async () => {
    const events = await run(
      frames(
        delta({ reasoning: { text: "hmm" } }),
        delta({ content: "ok" }, "stop"),
        { id: "cmpl-1", choices: [], usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 } },
        "[DONE]",
      ),
    );
    expect(
      events.filter((e) => e.type === "item_done").map((e) => (e as { item: { type: string } }).item.type),
    ).toEqual(["reasoning", "message"]);
    expect(events.at(-1)).toMatchObject({ usage: { input_tokens: 10, output_tokens: 3, total_tokens: 13 } });
  });

  it("fails with stream_closed when the body ends before any finish, and classifies bare error strings", async () => {
    await expect(run(frames(delta({ content: "par" })))).rejects.toMatchObject({ kind: "stream_closed" });
    const overflow = run(
      frames(delta({ content: "" }), {
        error: "the request exceeds the available context size, try increasing it",
      }),
    );
    await expect(overflow).rejects.toBeInstanceOf(ModelError);
    await expect(overflow).rejects.toMatchObject({ kind: "context_window_exceeded" });
  });

  it("emits no items for whitespace-only output", async () => {
    const events = await run(frames(delta({ content: "\n\n" }, "stop"), "[DONE]"));
    expect(events.filter((e) => e.type === "item_done")).toEqual([]);
    expect(events.at(-1)?.type).toBe("completed");
  });

  it("reads a body that ends without the blank line after its last event, and a cut as a cut", async () => {
    const body = (end: string) =>
      `data: ${JSON.stringify(delta({ content: "hello" }))}\n\ndata: ${JSON.stringify(delta({}, "stop"))}\n${end}`;
    const read = (...parts: string[]) =>
      run(
        readSse(
          (async function* () {
            for (const part of parts) yield new TextEncoder().encode(part);
          })(),
          { idleTimeoutMs: 5_000 },
        ),
      );
    const events = await read(body(""));
    expect(events.filter((e) => e.type === "item_done")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "completed", usageEstimated: true });
    expect((await read(body("\ndata: [DONE]\n"))).at(-1)?.type).toBe("completed");
    const whole = body("");
    await expect(read(whole.slice(0, -10))).rejects.toMatchObject({ kind: "stream_closed" });
    await expect(read(`${whole.slice(0, -10)}\n`)).rejects.toMatchObject({
      kind: "stream_closed",
      message: expect.stringMatching(/JSON payload/),
    });
  });
});
