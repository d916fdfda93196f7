import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ModelStreamEvent } from "../../src/model/client.js";
import { ModelError } from "../../src/model/errors.js";
import { parseResponsesStream } from "../../src/model/responses-client.js";
import { readSse, type SseEvent } from "../../src/model/sse.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Codex's own test stream: no `id` on the message, a stray line, no usage, no final blank line. */
const FIXTURE = fs.readFileSync(
  path.join(here, "../../../testkit/fixtures/codex/cli_responses_fixture.sse"),
  "utf8",
);

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function events(...parts: string[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const event of readSse(chunks(...parts), { idleTimeoutMs: 5_000 })) out.push(event);
  return out;
}

async function responses(...parts: string[]): Promise<ModelStreamEvent[]> {
  const out: ModelStreamEvent[] = [];
  const sse = readSse(chunks(...parts), { idleTimeoutMs: 5_000 });
  for await (const event of parseResponsesStream(sse, { requestBytes: 400 })) out.push(event);
  return out;
}

async function failure(...parts: string[]): Promise<ModelError> {
  const error = await responses(...parts).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

const fixtureEvents: ModelStreamEvent[] = [
  { type: "created", responseId: "resp1" },
  {
    type: "item_done",
    item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "fixture hello" }] },
  },
  {
    type: "completed",
    responseId: "resp1",
    // No usage on the wire: 400 request bytes / 4 in, "fixture hello" (13 chars) / 4 out.
    usage: {
      input_tokens: 100,
      cached_input_tokens: 0,
      output_tokens: 4,
      reasoning_output_tokens: 0,
      total_tokens: 104,
    },
    usageEstimated: true,
  },
];

describe("readSse", () => {
  it("dispatches the last event of a cleanly closed body that lacks its blank line", async () => {
    const read = await events(FIXTURE);
    expect(read.map((e) => [e.event, e.atEnd === true])).toEqual([
      ["response.created", false],
      ["response.output_item.done", false],
      ["response.completed", true],
    ]);
  });

  it("reads Codex's fixture whatever the chunking, as Codex does", async () => {
    expect(await responses(FIXTURE)).toEqual(fixtureEvents);
    for (let cut = 1; cut < FIXTURE.length; cut++) {
      expect(await responses(FIXTURE.slice(0, cut), FIXTURE.slice(cut))).toEqual(fixtureEvents);
    }
  });

  it("reads CRLF and CR line ends, comment lines and a byte-order mark", async () => {
    expect(await responses(FIXTURE.replaceAll("\n", "\r\n"))).toEqual(fixtureEvents);
    expect(await responses(FIXTURE.replaceAll("\n", "\r"))).toEqual(fixtureEvents);
    const crlf = FIXTURE.replaceAll("\n", "\r\n");
    expect(await responses(crlf.slice(0, -1), crlf.slice(-1))).toEqual(fixtureEvents);
    const commented = `\uFEFF: keep-alive\n\n${FIXTURE.replace("\n\nevent: response.completed", "\n\n: ping\n\nevent: response.completed")}`;
    expect(await responses(commented)).toEqual(fixtureEvents);
  });

  it("treats a body that ends in the middle of a line as a retryable cut", async () => {
    for (const end of [FIXTURE.length - 1, FIXTURE.length - 20, FIXTURE.indexOf("data: {", 200) + 3]) {
      const error = await failure(FIXTURE.slice(0, end));
      expect(error.kind).toBe("stream_closed");
      expect(error.retryable).toBe(true);
    }
  });

  it("treats a final event cut inside its JSON payload, with its line ended, as a retryable cut", async () => {
    const cut = `${FIXTURE.slice(0, FIXTURE.indexOf('"output":[]'))}\n`;
    const error = await failure(cut);
    expect(error.kind).toBe("stream_closed");
    expect(error.message).toMatch(/in the middle of an event's JSON payload/);
    expect(error.retryable).toBe(true);
  });

  it("still calls bad JSON in a closed event a malformed event", async () => {
    const error = await failure('data: {"type":"response.created"\n\n', FIXTURE);
    expect(error.kind).toBe("malformed_event");
  });
});

describe("parseResponsesStream", () => {
  const frame = (seq: number, payload: object) =>
    `data: ${JSON.stringify({ ...payload, sequence_number: seq })}\n\n`;
  const done = (seq: number, text: string) =>
    frame(seq, {
      type: "response.output_item.done",
      item: { type: "message", role: "assistant", content: [{ type: "output_text", text }] },
    });
  const completed = (seq: number) =>
    frame(seq, { type: "response.completed", response: { id: "r", usage: { input_tokens: 7 } } });

  it("reads an event sent twice with the same sequence number once", async () => {
    const read = await responses(done(0, "hi"), done(0, "hi"), completed(1));
    expect(read.filter((e) => e.type === "item_done")).toHaveLength(1);
    expect(read.at(-1)).toMatchObject({ type: "completed", usage: { input_tokens: 7 } });
    expect(read.at(-1)).not.toHaveProperty("usageEstimated");
  });

  it("keeps distinct events that share a sequence number (servers that do not count)", async () => {
    const read = await responses(done(0, "one"), done(0, "two"), completed(0));
    expect(read.filter((e) => e.type === "item_done")).toHaveLength(2);
  });
});
