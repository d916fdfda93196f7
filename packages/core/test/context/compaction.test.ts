import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { autoCompactHooks } from "../../src/context/compaction/auto-compact.js";
import { buildInitialContext } from "../../src/context/initial-context.js";
import { agentAgainstFakeServer } from "../helpers/agent.js";

type Setup = Awaited<ReturnType<typeof agentAgainstFakeServer>>;
let setup: Setup;
afterEach(async () => setup?.close());

const sources = { agentsMd: null, shell: "bash", timezone: "UTC", currentDate: "2026-11-21" };
const bigPlan = (n: number) =>
  reply(
    functionCall("update_plan", {
      explanation: "x".repeat(6000),
      plan: [{ step: `s${n}`, status: "in_progress" }],
    }),
  );

function compactionHooks(limitTokens: number, preferRemote = false) {
  return autoCompactHooks({
    limitTokens,
    preferRemote,
    initialContext: (scope) => buildInitialContext(scope.settings, sources),
  });
}

function compactedEvents(events: AgentEvent[]) {
  return events.filter((e): e is Extract<AgentEvent, { type: "compacted" }> => e.type === "compacted");
}

describe("compaction guards", () => {
  it("rejects a summary larger than what it replaces and truncates instead, keeping goal and plan", async () => {
    setup = await agentAgainstFakeServer(
      scenario(
        bigPlan(1),
        {
          match: { lastInput: { contains: "Context checkpoint" } },
          response: { output: [text("y".repeat(40_000))] },
        },
        reply(text("done")),
      ),
      { hooks: compactionHooks(2_000) },
    );
    const events = await setup.turn("the goal");
    expect(setup.server.failures).toEqual([]);
    const [compacted] = compactedEvents(events);
    expect(compacted).toMatchObject({ method: "truncation", reason: "auto" });
    expect(events.some((e) => e.type === "warning" && /not smaller than the original/.test(e.message))).toBe(
      true,
    );
    const last = JSON.stringify(setup.server.requests.at(-1)!.body!.input);
    expect(last).toContain("the goal");
    expect(last).toContain("[nightshift live plan]");
    expect(last).not.toContain("y".repeat(100));
    expect(events.at(-1)!.type).toBe("turn_completed");
  });

  it("stops the turn with a clear error instead of compacting in a loop", async () => {
    // Every response adds more than the whole limit: no compaction can help.
    setup = await agentAgainstFakeServer(scenario({ times: 20, generate: () => bigPlan(0) }), {
      hooks: compactionHooks(1_000, true),
      remoteCompaction: true,
    });
    const events = await setup.turn("go");
    const failed = events.at(-1)!;
    expect(failed.type).toBe("turn_failed");
    expect((failed as { error: { message: string } }).error.message).toMatch(/stopping instead of looping/);
    expect(compactedEvents(events).length).toBe(3);
    expect(setup.server.requests.length).toBeLessThan(10);
  });

  it("compacts once and retries when the provider says the context is too long", async () => {
    setup = await agentAgainstFakeServer(
      scenario(
        bigPlan(1),
        reply(text("first")),
        {
          fault: {
            type: "failed",
            code: "context_length_exceeded",
            message: "Your input exceeds the context window",
          },
        },
        { match: { lastInput: { contains: "Context checkpoint" } }, response: { output: [text("summary")] } },
        reply(text("answered after compaction")),
      ),
      { hooks: compactionHooks(200_000) },
    );
    await setup.turn("one");
    const events = await setup.turn("two");
    expect(setup.server.failures).toEqual([]);
    expect(compactedEvents(events)).toMatchObject([{ reason: "context_window_exceeded", method: "local" }]);
    expect(events.at(-1)).toMatchObject({
      type: "turn_completed",
      lastAgentMessage: "answered after compaction",
    });
    expect(setup.clock.sleeps).toEqual([]);
  });

  it("waits for the server's hint before retrying a rate limit (injected clock, no real wait)", async () => {
    setup = await agentAgainstFakeServer(
      scenario(
        { fault: { type: "http", status: 429, retryAfter: 7 } },
        { fault: { type: "failed", code: "rate_limit_exceeded", message: "Please try again in 1.5s." } },
        { fault: { type: "http", status: 500 } },
        reply(text("ok")),
      ),
    );
    const events = await setup.turn("hi");
    expect(events.at(-1)!.type).toBe("turn_completed");
    // Retry-After 7 s, then the 1.5 s hint, then backoff 200 ms * 2^2 with jitter 1.0.
    expect(setup.clock.sleeps).toEqual([7000, 1500, 800]);
  });
});
