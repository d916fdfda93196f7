import { fault, ManualClock, reply, scenario, startFakeModelServer, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { runProcess } from "../../src/exec/run-process.js";
import type { ModelStreamEvent } from "../../src/model/client.js";
import { ModelError } from "../../src/model/errors.js";
import { createNodeTransport } from "../../src/model/http-transport.js";
import { userMessage } from "../../src/model/items.js";
import { createResponsesClient } from "../../src/model/responses-client.js";

const HOUR = 3_600_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Resolves once `clock` has a wait pending (the code under test armed its timer). */
async function armed(clock: ManualClock, count = 1): Promise<void> {
  while (clock.pending < count) await new Promise((resolve) => setImmediate(resolve));
}

describe("the engine's timers run on the injected clock", () => {
  it("an hour-long stream idle timeout passes when the clock says so, in no real time", async () => {
    const server = await startFakeModelServer({
      scenario: scenario(fault({ type: "stall", afterEvents: 2 }, reply(text("never")))),
    });
    cleanups.push(() => server.close());
    const clock = new ManualClock();
    const client = createResponsesClient(
      {
        id: "fake",
        name: "fake",
        baseUrl: server.url,
        wireApi: "responses",
        headers: {},
        queryParams: {},
        requestMaxRetries: 0,
        streamMaxRetries: 0,
        streamIdleTimeoutMs: HOUR,
        supportsRemoteCompaction: false,
        isAzure: false,
      },
      { transport: createNodeTransport(), now: () => clock.now(), clock, userAgentHeaders: {} },
    );
    const request = {
      model: "gpt-5.1-codex",
      instructions: "",
      input: [userMessage("hi")],
      inputJson: [JSON.stringify(userMessage("hi"))],
      tools: [],
      toolsJson: "[]",
      parallelToolCalls: false,
      promptCacheKey: "k",
      sessionId: "s",
    };
    const started = performance.now();
    const events: ModelStreamEvent[] = [];
    const reading = (async () => {
      for await (const event of client.stream(request, new AbortController().signal)) events.push(event);
    })();
    // Headers in, two events read: the reader waits on the idle timer for the next chunk.
    await armed(clock);
    while (events.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await armed(clock);
    clock.advance(HOUR - 1);
    expect(clock.pending).toBeGreaterThan(0);
    clock.advance(1);
    const error = await reading.then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).kind).toBe("idle_timeout");
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it("a command's hour-long timeout and its kill grace pass on the clock", async () => {
    const clock = new ManualClock();
    const running = runProcess({
      argv: ["sh", "-c", "trap '' TERM; echo started; sleep 100"],
      cwd: "/",
      env: { PATH: process.env.PATH },
      timeoutMs: HOUR,
      killGraceMs: 10_000,
      clock,
    });
    await armed(clock);
    clock.advance(HOUR);
    // SIGTERM is ignored: the kill grace, on the same clock, ends it with SIGKILL.
    await armed(clock);
    clock.advance(10_000);
    const result = await running;
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe("SIGKILL");
    expect(result.durationMs).toBe(HOUR + 10_000);
  });
});
