import {
  type FakeModelServer,
  fault,
  functionCall,
  reasoning,
  reply,
  type StepSpec,
  scenario,
  startFakeModelServer,
  text,
} from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  createChatCompletionsClient,
  createNodeTransport,
  type ModelClient,
  ModelError,
  type ModelRequest,
  type ModelStreamEvent,
  type ProviderInfo,
  type ResponseItem,
  type ToolSpec,
  userMessage,
} from "../../helpers/internals.js";

let server: FakeModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOOLS: ToolSpec[] = [
  {
    type: "function",
    name: "shell",
    description: "Runs a command.",
    strict: false,
    parameters: { type: "object" },
  },
  {
    type: "custom",
    name: "apply_patch",
    description: "Patches.",
    format: { type: "grammar", syntax: "lark", definition: "start: /.+/" },
  },
];

async function start(...steps: StepSpec[]): Promise<ModelClient> {
  server = await startFakeModelServer({ scenario: scenario(...steps) });
  const provider: ProviderInfo = {
    id: "fake",
    name: "fake",
    baseUrl: server.url,
    wireApi: "chat",
    headers: { "x-extra": "yes" },
    queryParams: {},
    apiKey: "sk-test",
    requestMaxRetries: 0,
    streamMaxRetries: 0,
    streamIdleTimeoutMs: 300,
    supportsRemoteCompaction: false,
    isAzure: false,
  };
  return createChatCompletionsClient(provider, {
    transport: createNodeTransport(),
    now: () => 0,
    userAgentHeaders: { originator: "test" },
  });
}

function request(input: ResponseItem[], extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: "gpt-oss:20b",
    instructions: "Be brief.",
    input,
    inputJson: input.map((item) => JSON.stringify(item)),
    tools: TOOLS,
    toolsJson: JSON.stringify(TOOLS),
    parallelToolCalls: false,
    promptCacheKey: "k",
    sessionId: "s",
    ...extra,
  };
}

async function collect(client: ModelClient, req: ModelRequest): Promise<ModelStreamEvent[]> {
  const events: ModelStreamEvent[] = [];
  for await (const event of client.stream(req, new AbortController().signal)) events.push(event);
  return events;
}

async function failure(client: ModelClient, req: ModelRequest): Promise<ModelError> {
  try {
    await collect(client, req);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error("the stream did not fail");
}

const done = (events: ModelStreamEvent[]) =>
  events.flatMap((event) => (event.type === "item_done" ? [event.item] : []));

describe("Chat Completions client against the fake server", () => {
  it("streams reasoning and text, then the items and the server's usage", async () => {
    const client = await start({
      response: {
        output: [reasoning("Think first."), text("Hello there.")],
        usage: { input_tokens: 120, cached_tokens: 64, output_tokens: 9, reasoning_tokens: 4 },
      },
    });
    const events = await collect(client, request([userMessage("hi")]));
    expect(server!.failures).toEqual([]);
    const recorded = server!.requests[0]!;
    expect(recorded.path).toBe("/v1/chat/completions");
    expect(recorded.headers.authorization).toBe("Bearer sk-test");
    expect(recorded.headers["x-extra"]).toBe("yes");
    expect(Object.keys(recorded.body!)).toEqual([
      "model",
      "messages",
      "tools",
      "tool_choice",
      "stream",
      "stream_options",
    ]);
    expect(recorded.body!.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
    ]);
    expect(recorded.body!.tools).toEqual([
      {
        type: "function",
        function: { name: "shell", description: "Runs a command.", parameters: { type: "object" } },
      },
    ]);
    expect(recorded.body!.stream_options).toEqual({ include_usage: true });

    const reasoningDeltas = events
      .filter((e) => e.type === "reasoning_delta")
      .map((e) => (e as { delta: string }).delta);
    const textDeltas = events
      .filter((e) => e.type === "text_delta")
      .map((e) => (e as { delta: string }).delta);
    expect(reasoningDeltas.join("")).toBe("Think first.");
    expect(reasoningDeltas.length).toBeGreaterThan(1);
    expect(textDeltas.join("")).toBe("Hello there.");
    expect(events[0]).toMatchObject({ type: "created" });
    expect(done(events)).toEqual([
      { type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "Think first." }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello there." }] },
    ]);
    expect(events.at(-1)).toEqual({
      type: "completed",
      responseId: expect.any(String),
      usage: {
        input_tokens: 120,
        cached_input_tokens: 64,
        output_tokens: 9,
        reasoning_output_tokens: 4,
        total_tokens: 129,
      },
    });
  });

  it.each(["reasoning", "think_tags"] as const)("reads reasoning sent as %s", async (field) => {
    const client = await start({
      ...reply(reasoning("Weigh options."), text("Answer.")),
      reasoningField: field,
    });
    const items = done(await collect(client, request([userMessage("hi")])));
    expect(items).toEqual([
      { type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "Weigh options." }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Answer." }] },
    ]);
  });

  it("assembles parallel tool calls and asks for them only when the model can", async () => {
    const client = await start(
      reply(
        text("Checking."),
        functionCall("shell", { command: ["ls"] }, "call_a"),
        functionCall("shell", { command: ["pwd"] }, "call_b"),
      ),
    );
    const items = done(await collect(client, request([userMessage("look")], { parallelToolCalls: true })));
    expect(server!.requests[0]!.body!.parallel_tool_calls).toBe(true);
    expect(items.slice(1)).toEqual([
      { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "call_a" },
      { type: "function_call", name: "shell", arguments: '{"command":["pwd"]}', call_id: "call_b" },
    ]);
  });

  it("estimates usage when the server reports none", async () => {
    const client = await start({
      ...reply(text("12345678"), functionCall("shell", { a: 1 }, "c")),
      omitUsage: true,
    });
    const events = await collect(client, request([userMessage("hi")]));
    const bytes = Buffer.byteLength(server!.requests[0]!.rawBody);
    const outputChars = "12345678".length + "shell".length + '{"a":1}'.length;
    expect(events.at(-1)).toMatchObject({
      type: "completed",
      usage: {
        input_tokens: Math.ceil(bytes / 4),
        cached_input_tokens: 0,
        output_tokens: Math.ceil(outputChars / 4),
        total_tokens: Math.ceil(bytes / 4) + Math.ceil(outputChars / 4),
      },
      usageEstimated: true,
    });
  });

  it("repairs sloppy argument JSON and passes truncated arguments through", async () => {
    const client = await start(
      { ...reply(functionCall("shell", {}, "c1")), rawArguments: "{'command': ['ls'],}" },
      { ...reply(functionCall("shell", {}, "c2")), rawArguments: '{"command": ["rm", "-rf", "bu' },
    );
    expect(done(await collect(client, request([userMessage("a")])))).toEqual([
      { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "c1" },
    ]);
    expect(done(await collect(client, request([userMessage("b")])))).toEqual([
      { type: "function_call", name: "shell", arguments: '{"command": ["rm", "-rf", "bu', call_id: "c2" },
    ]);
  });

  it("maps finish_reason length to a context overflow and content_filter to a refusal", async () => {
    const client = await start(
      { ...reply(text("partial")), finishReason: "length" },
      { ...reply(text("partial")), finishReason: "content_filter" },
    );
    expect((await failure(client, request([userMessage("a")]))).kind).toBe("context_window_exceeded");
    const filtered = await failure(client, request([userMessage("b")]));
    expect([filtered.kind, filtered.retryable]).toEqual(["invalid_request", false]);
  });

  it("classifies HTTP errors, error frames and broken streams", async () => {
    const client = await start(
      fault({
        type: "http",
        status: 400,
        message: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.",
      }),
      fault({ type: "http", status: 429, retryAfter: 2 }),
      fault({ type: "failed", code: "rate_limit_exceeded" }),
      fault({ type: "cut", afterEvents: 3 }),
      fault({ type: "malformed", afterEvents: 2 }),
      fault({ type: "stall", afterEvents: 2 }),
      fault({ type: "http", status: 400, message: "unknown field" }),
    );
    const kinds: [string, boolean, number | undefined][] = [];
    for (let i = 0; i < 7; i++) {
      const err = await failure(client, request([userMessage(`try ${i}`)]));
      kinds.push([err.kind, err.retryable, err.retryAfterMs]);
    }
    expect(kinds).toEqual([
      ["context_window_exceeded", false, undefined],
      ["rate_limited", true, 2000],
      ["rate_limited", true, 1500],
      ["stream_closed", true, undefined],
      ["malformed_event", true, undefined],
      ["idle_timeout", true, undefined],
      ["invalid_request", false, undefined],
    ]);
  });

  it("sends each request's messages as an extension of the previous request's", async () => {
    const client = await start(
      reply(reasoning("Run it."), functionCall("shell", { command: ["ls"] }, "c1")),
      reply(
        functionCall("shell", { command: ["pwd"] }, "c2"),
        functionCall("shell", { command: ["id"] }, "c3"),
      ),
      reply(text("All done.")),
    );
    const history: ResponseItem[] = [userMessage("explore")];
    for (let turn = 0; turn < 3; turn++) {
      const items = done(await collect(client, request(history, { parallelToolCalls: true })));
      history.push(...items);
      for (const item of items) {
        if (item.type === "function_call")
          history.push({
            type: "function_call_output",
            call_id: item.call_id,
            output: `ran ${item.call_id}`,
          });
      }
    }
    expect(server!.failures).toEqual([]);
    const bodies = server!.requests.map((r) => r.rawBody);
    for (let i = 1; i < bodies.length; i++) {
      const before = server!.requests[i - 1]!.body!.messages as unknown[];
      const after = server!.requests[i]!.body!.messages as unknown[];
      expect(after.slice(0, before.length)).toEqual(before);
      const prefix = JSON.stringify(before).slice(0, -1);
      expect(bodies[i]).toContain(prefix);
    }
    expect(server!.requests[1]!.body!.messages.at(2)).toEqual({
      role: "assistant",
      content: null,
      reasoning_content: "Run it.",
      tool_calls: [
        { id: "c1", type: "function", function: { name: "shell", arguments: '{"command":["ls"]}' } },
      ],
    });
    expect(server!.requests[2]!.body!.messages.slice(-2)).toEqual([
      { role: "tool", tool_call_id: "c2", content: "ran c2" },
      { role: "tool", tool_call_id: "c3", content: "ran c3" },
    ]);
  });
});
