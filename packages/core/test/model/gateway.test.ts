import {
  type FakeModelServer,
  fault,
  reasoning,
  reply,
  type StepSpec,
  scenario,
  startFakeModelServer,
  text,
} from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { lookupModel } from "../../src/model/catalog.js";
import type { ModelRequest, ModelStreamEvent } from "../../src/model/client.js";
import { ModelError } from "../../src/model/errors.js";
import {
  CircuitBreakers,
  type GatewayNotice,
  ModelGateway,
  type ModelRoute,
  parseModelEntry,
} from "../../src/model/gateway/index.js";
import { createNodeTransport } from "../../src/model/http-transport.js";
import type { ResponseItem } from "../../src/model/items.js";
import type { ProviderInfo } from "../../src/model/provider.js";
import { createResponsesClient } from "../../src/model/responses-client.js";

const servers: FakeModelServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function provider(
  id: string,
  steps: StepSpec[],
): Promise<{ server: FakeModelServer; info: ProviderInfo }> {
  const server = await startFakeModelServer({ scenario: scenario(...steps) });
  servers.push(server);
  return { server, info: providerAt(id, server.url) };
}

function providerAt(id: string, baseUrl: string): ProviderInfo {
  return {
    id,
    name: id,
    baseUrl,
    wireApi: "responses",
    headers: {},
    queryParams: {},
    requestMaxRetries: 1,
    streamMaxRetries: 1,
    streamIdleTimeoutMs: 2_000,
    supportsRemoteCompaction: false,
    isAzure: false,
  };
}

function route(info: ProviderInfo, model: string, reasons?: boolean): ModelRoute {
  const client = createResponsesClient(info, {
    transport: createNodeTransport(),
    now: () => 0,
    userAgentHeaders: {},
  });
  return { provider: info, model, client, info: lookupModel(model, { reasoning: reasons }) };
}

class TestClock {
  t = 1_000_000;
  now = () => this.t;
}

function gatewayOver(routes: ModelRoute[], clock = new TestClock()) {
  const notices: GatewayNotice[] = [];
  const breakers = new CircuitBreakers({ now: clock.now, cooldownMs: 60_000 });
  const gateway = new ModelGateway({
    homeProvider: routes[0]!.provider.id,
    routes: (request) => [{ ...routes[0]!, model: request.model }, ...routes.slice(1)],
    breakers,
    retryLimits: () => ({ requestMaxRetries: 1, streamMaxRetries: 1 }),
    onNotice: (notice) => notices.push(notice),
  });
  return { gateway, notices, breakers, clock };
}

function request(input: ResponseItem[] = [], model = "gpt-5.4"): ModelRequest {
  return {
    model,
    instructions: "be brief",
    input,
    inputJson: input.map((item) => JSON.stringify(item)),
    tools: [],
    toolsJson: "[]",
    parallelToolCalls: true,
    reasoning: { effort: "medium", summary: "auto" },
    promptCacheKey: "k",
    sessionId: "s",
  };
}

/** One call through the gateway: its events, or the error it ended with. */
async function call(gateway: ModelGateway, req: ModelRequest) {
  const events: ModelStreamEvent[] = [];
  try {
    for await (const event of gateway.stream(req, new AbortController().signal)) events.push(event);
    return { events, error: null, completed: events.find((e) => e.type === "completed") };
  } catch (err) {
    return { events, error: err as ModelError, completed: undefined };
  }
}

const hi = (words: string): StepSpec => reply(text(words));

describe("parseModelEntry", () => {
  const known = (id: string) => ["openai", "ollama", "b"].includes(id);
  it("reads <provider>:<model> only when the prefix names a provider", () => {
    expect(parseModelEntry("b:gpt-5.4-mini", known)).toEqual({ providerId: "b", model: "gpt-5.4-mini" });
    expect(parseModelEntry("gpt-5.4-mini", known)).toEqual({ providerId: null, model: "gpt-5.4-mini" });
    expect(parseModelEntry("gpt-oss:20b", known)).toEqual({ providerId: null, model: "gpt-oss:20b" });
    expect(parseModelEntry("ollama:gpt-oss:20b", known)).toEqual({
      providerId: "ollama",
      model: "gpt-oss:20b",
    });
  });
});

describe("CircuitBreakers", () => {
  it("opens on a trip, half-opens after a rest that doubles with each trip in a row, closes on an answer", () => {
    const clock = new TestClock();
    const breakers = new CircuitBreakers({ now: clock.now, cooldownMs: 1_000, maxCooldownMs: 3_000 });
    expect(breakers.allows("a")).toBe(true);
    expect(breakers.trip("a", "HTTP 500")).toBe(clock.t + 1_000);
    expect(breakers.allows("a")).toBe(false);
    expect(breakers.allows("b")).toBe(true);
    clock.t += 1_000;
    expect(breakers.state("a")).toMatchObject({ state: "half_open", trips: 1, reason: "HTTP 500" });
    expect(breakers.allows("a")).toBe(true);
    // The trial fails: twice the rest, then the cap.
    expect(breakers.trip("a", "again") - clock.t).toBe(2_000);
    clock.t += 2_000;
    expect(breakers.trip("a", "again") - clock.t).toBe(3_000);
    breakers.succeeded("a");
    expect(breakers.state("a")).toEqual({ state: "closed", openUntil: null, trips: 0, reason: null });
  });
});

describe("ModelGateway over two fake providers", () => {
  it("retries a 5xx within the budget, then hands the same request over and stays there for the turn", async () => {
    const a = await provider("a", [
      fault({ type: "http", status: 500 }),
      fault({ type: "http", status: 502 }),
      hi("primary again"),
    ]);
    const b = await provider("b", [hi("fallback 1"), hi("fallback 2")]);
    const { gateway, notices, clock } = gatewayOver([
      route(a.info, "gpt-5.4"),
      route(b.info, "gpt-5.4-mini"),
    ]);

    // First failure: within the retry budget (1), the turn loop retries.
    const first = await call(gateway, request());
    expect(first.error?.kind).toBe("http_5xx");
    expect(b.server.requests).toHaveLength(0);
    // Second failure spends the budget: the same call continues on the fallback.
    const second = await call(gateway, request());
    expect(second.error).toBeNull();
    expect(second.completed).toMatchObject({ model: "gpt-5.4-mini", provider: "b" });
    expect(notices).toEqual([
      expect.objectContaining({
        kind: "fallback",
        from: "a:gpt-5.4",
        to: "b:gpt-5.4-mini",
        errorKind: "http_5xx",
      }),
    ]);
    expect(b.server.requests[0]!.body).toMatchObject({ model: "gpt-5.4-mini" });

    // The turn stays on the fallback; a new turn skips the resting primary, announced once.
    expect((await call(gateway, request())).completed).toMatchObject({ provider: "b" });
    gateway.beginTurn();
    expect(a.server.requests).toHaveLength(2);

    // After its rest, a later turn tries the primary again.
    clock.t += 60_000;
    gateway.beginTurn();
    expect((await call(gateway, request())).completed).toMatchObject({ provider: "a", model: "gpt-5.4" });
    expect(a.server.failures).toEqual([]);
    expect(b.server.failures).toEqual([]);
  });

  it("skips a provider whose circuit is open at a turn's start and says so once", async () => {
    const a = await provider("a", [
      fault({ type: "http", status: 429, code: "insufficient_quota", errorType: "insufficient_quota" }),
    ]);
    const b = await provider("b", [hi("one"), hi("two"), hi("three")]);
    const { gateway, notices } = gatewayOver([route(a.info, "gpt-5.4"), route(b.info, "gpt-5.4-mini")]);
    // Quota exhausted: no retry helps, the first failure hands over.
    expect((await call(gateway, request())).completed).toMatchObject({ provider: "b" });
    gateway.beginTurn();
    expect((await call(gateway, request())).completed).toMatchObject({ provider: "b" });
    gateway.beginTurn();
    expect((await call(gateway, request())).completed).toMatchObject({ provider: "b" });
    expect(a.server.requests).toHaveLength(1);
    expect(notices.map((n) => (n.kind === "fallback" ? n.errorKind : n.kind))).toEqual([
      "quota_exceeded",
      "circuit_open",
    ]);
  });

  it("never asks again for a model that does not exist, and fails clearly when no model is left", async () => {
    const missing = fault({
      type: "http",
      status: 404,
      code: "model_not_found",
      message: "The model `gpt-9` does not exist or you do not have access to it.",
    });
    const a = await provider("a", [missing]);
    const b = await provider("b", [hi("here"), hi("still here"), missing]);
    const { gateway } = gatewayOver([route(a.info, "gpt-9"), route(b.info, "gpt-5.4-mini")]);
    expect((await call(gateway, request([], "gpt-9"))).completed).toMatchObject({ provider: "b" });
    gateway.beginTurn();
    expect((await call(gateway, request([], "gpt-9"))).completed).toMatchObject({ provider: "b" });
    expect(a.server.requests).toHaveLength(1);
    gateway.beginTurn();
    const last = await call(gateway, request([], "gpt-9"));
    expect(last.error?.status).toBe(404);
    const none = await call(gateway, request([], "gpt-9"));
    expect(none.error?.message).toMatch(/none of the configured models can answer \(a:gpt-9, b:gpt-5.4-mini/);
  });

  it("hands over from an unreachable provider once the retries are spent", async () => {
    const closed = await startFakeModelServer();
    const url = closed.url;
    await closed.close();
    const b = await provider("b", [hi("reachable")]);
    const { gateway, notices } = gatewayOver([
      route(providerAt("a", url), "gpt-5.4"),
      route(b.info, "gpt-5.4-mini"),
    ]);
    expect((await call(gateway, request())).error?.kind).toBe("transport");
    const handed = await call(gateway, request());
    expect(handed.completed).toMatchObject({ provider: "b" });
    expect(notices[0]).toMatchObject({ kind: "fallback", errorKind: "transport" });
    expect((notices[0] as { reason: string }).reason).toMatch(/could not reach/);
  });

  it("drops the reasoning parameters a server refuses, for the rest of the session, and says so once", async () => {
    const refusal = fault({
      type: "http",
      status: 400,
      message: "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
      code: "unsupported_parameter",
    });
    const a = await provider("a", [refusal, hi("without reasoning"), hi("still without")]);
    // An unknown model on the Responses wire is taken to reason (see describeModel).
    const { gateway, notices } = gatewayOver([route(a.info, "my-own-model", true)]);
    const unknown = request([], "my-own-model");
    expect((await call(gateway, unknown)).completed).toMatchObject({ provider: "a" });
    await call(gateway, unknown);
    const bodies = a.server.requests.map((r) => r.body!);
    expect(bodies[0]).toMatchObject({
      reasoning: { effort: "medium" },
      include: ["reasoning.encrypted_content"],
    });
    expect(bodies[1]).toMatchObject({ reasoning: null, include: [] });
    expect(bodies[2]).toMatchObject({ reasoning: null, include: [] });
    expect(notices).toEqual([
      expect.objectContaining({ kind: "reasoning_dropped", route: "a:my-own-model" }),
    ]);
  });

  it("never sends one provider's encrypted reasoning to another, and keeps the fallback's prefix stable", async () => {
    const a = await provider("a", [
      reply(reasoning("thinking on a", "enc-from-a"), text("a answered")),
      fault({ type: "http", status: 503 }),
      fault({ type: "http", status: 503 }),
    ]);
    const b = await provider("b", [
      reply(reasoning("thinking on b", "enc-from-b"), text("b answered")),
      hi("b again"),
    ]);
    const { gateway, notices } = gatewayOver([route(a.info, "gpt-5.4"), route(b.info, "gpt-5.4")]);
    const history: ResponseItem[] = [
      { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    ];
    const ask = async () => {
      const result = await call(gateway, request([...history]));
      for (const event of result.events) if (event.type === "item_done") history.push(event.item);
      return result;
    };
    await ask();
    expect(history.some((item) => item.type === "reasoning" && item.encrypted_content === "enc-from-a")).toBe(
      true,
    );
    history.push({ type: "message", role: "user", content: [{ type: "input_text", text: "more" }] });
    expect((await ask()).error?.kind).toBe("http_5xx");
    expect((await ask()).completed).toMatchObject({ provider: "b" });
    history.push({ type: "message", role: "user", content: [{ type: "input_text", text: "and more" }] });
    expect((await ask()).completed).toMatchObject({ provider: "b" });

    const sentToB = b.server.requests.map((r) => r.rawBody);
    for (const raw of sentToB) expect(raw).not.toContain("enc-from-a");
    expect(sentToB[1]).toContain("enc-from-b");
    const inputOf = (raw: string) => raw.slice(raw.indexOf('"input":['), raw.indexOf('],"tools":'));
    expect(inputOf(sentToB[1]!).startsWith(inputOf(sentToB[0]!))).toBe(true);
    // The primary still receives its own reasoning.
    expect(a.server.requests[1]!.rawBody).toContain("enc-from-a");
    expect(notices).toContainEqual({
      kind: "opaque_items_dropped",
      route: "b:gpt-5.4",
      reasoning: 1,
      compaction: 0,
    });
  });

  it("leaves items of unknown origin out for a provider that says it cannot read them", async () => {
    const a = await provider("a", [
      fault({
        type: "http",
        status: 400,
        message: "The encrypted content for item rs_1 could not be verified.",
      }),
      hi("fine"),
    ]);
    const { gateway } = gatewayOver([route(a.info, "gpt-5.4")]);
    const resumed: ResponseItem[] = [
      { type: "reasoning", summary: [], encrypted_content: "written-by-someone-else" },
      { type: "message", role: "user", content: [{ type: "input_text", text: "go on" }] },
    ];
    expect((await call(gateway, request(resumed))).completed).toMatchObject({ provider: "a" });
    expect(a.server.requests[1]!.rawBody).not.toContain("written-by-someone-else");
  });

  it("does not hand over what another model could not fix: a bad request fails as before", async () => {
    const a = await provider("a", [
      fault({ type: "http", status: 400, message: "Invalid value for 'tools'." }),
    ]);
    const b = await provider("b", []);
    const { gateway, notices } = gatewayOver([route(a.info, "gpt-5.4"), route(b.info, "gpt-5.4-mini")]);
    expect((await call(gateway, request())).error).toBeInstanceOf(ModelError);
    expect(b.server.requests).toHaveLength(0);
    expect(notices).toEqual([]);
  });
});
