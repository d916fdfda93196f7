import fs from "node:fs";
import path from "node:path";
import { type FaultSpec, fault, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

const retryable: [string, FaultSpec][] = [
  ["HTTP 429 with Retry-After", { type: "http", status: 429, retryAfter: 0.05 }],
  ["HTTP 500", { type: "http", status: 500 }],
  ["HTTP 503", { type: "http", status: 503 }],
  ["a stream cut in the middle of an event", { type: "cut", afterEvents: 2 }],
  ["a stalled stream (idle timeout)", { type: "stall", afterEvents: 1 }],
  ["a malformed event", { type: "malformed", afterEvents: 1 }],
  [
    "response.failed rate_limit_exceeded",
    {
      type: "failed",
      code: "rate_limit_exceeded",
      message: "Rate limit reached. Please try again in 0.05s.",
    },
  ],
  ["response.failed server_error", { type: "failed", code: "server_error", message: "boom" }],
  ["response.incomplete", { type: "incomplete", reason: "max_output_tokens" }],
];

describe("exec retries transient faults", () => {
  for (const [name, spec] of retryable) {
    it(`recovers from ${name}`, async () => {
      h = await startHarness(scenario(fault(spec), reply(text("recovered"))), { idleTimeoutMs: 300 });
      const result = await h.run(["exec", "--json", "hello"]);
      expect(h.server.failures).toEqual([]);
      expect(result.code).toBe(0);
      const events = h.jsonEvents(result);
      // A retry is its own event: "error" is what Codex's readers take as fatal.
      expect(events.some((e) => e.type === "retry" && /Reconnecting\.\.\. 1\//.test(e.message))).toBe(true);
      expect(events.some((e) => e.type === "error")).toBe(false);
      expect(events.at(-1)!.type).toBe("turn.completed");
      expect(h.server.requests).toHaveLength(2);
      // The retry sends exactly the same request.
      expect(h.server.requests[1]!.rawBody).toBe(h.server.requests[0]!.rawBody);
    });
  }

  it("waits through a pause shorter than the idle timeout without retrying", async () => {
    h = await startHarness(
      scenario({
        fault: { type: "stall", afterEvents: 3, seconds: 0.3 },
        response: { output: [text("slow but fine")] },
      }),
      { idleTimeoutMs: 3000 },
    );
    const result = await h.run(["exec", "--json", "hello"]);
    expect(result.code).toBe(0);
    expect(h.server.requests).toHaveLength(1);
    expect(h.jsonEvents(result).some((e) => e.type === "error")).toBe(false);
    expect(h.jsonEvents(result).at(-2).item.text).toBe("slow but fine");
  });

  it("honours Retry-After before retrying a 429: announces that delay and waits it", async () => {
    h = await startHarness(
      scenario(fault({ type: "http", status: 429, retryAfter: 0.4 }), reply(text("ok"))),
    );
    const result = await h.run(["exec", "hello"]);
    expect(result.code).toBe(0);
    // Backoff alone would say 0.2s (200 ms ± 10%): 0.4s is the server's delay.
    expect(result.stderr).toMatch(/reconnecting \(1\/\d+\) in 0\.4s: HTTP 429/);
    const [first, second] = h.server.requests;
    // The server's clock saw the retry arrive at least that long after the first request (a
    // lower bound: a loaded machine can only make the gap longer).
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(395);
    expect(h.server.requests).toHaveLength(2);
  });

  it("gives up after the configured retries with a clear message and exit 1", async () => {
    const spec: FaultSpec = { type: "http", status: 500 };
    h = await startHarness(scenario({ fault: spec, times: 3 }), { maxRetries: 2 });
    const result = await h.run(["exec", "hello"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 500/);
    expect(result.stderr).toMatch(/gave up after 3 attempts/);
    expect(h.server.requests).toHaveLength(3);
  });

  it("reports a fatal error in --json as Codex does: an error event, then turn.failed", async () => {
    h = await startHarness(scenario({ fault: { type: "http", status: 500 }, times: 2 }), { maxRetries: 1 });
    const result = await h.run(["exec", "--json", "hello"]);
    expect(result.code).toBe(1);
    const events = h.jsonEvents(result);
    expect(events.slice(-2).map((e) => e.type)).toEqual(["error", "turn.failed"]);
    expect(events.at(-2).message).toMatch(/gave up after 2 attempts/);
    expect(events.at(-1).error.message).toBe(events.at(-2).message);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(1);
  });

  it("never re-runs a tool that already ran when the stream is cut after the call", async () => {
    h = await startHarness(
      scenario(
        fault(
          { type: "cut", afterEvents: 8 },
          {
            response: {
              output: [functionCall("shell", { command: ["bash", "-lc", "echo ran >> log.txt"] }, "c1")],
            },
          },
        ),
        {
          match: { lastInput: { type: "function_call_output", contains: "Exit code: 0" } },
          response: { output: [text("done")] },
        },
      ),
      { idleTimeoutMs: 500 },
    );
    const result = await h.run(["exec", "--json", "-s", "danger-full-access", "log once"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(h.workspace, "log.txt"), "utf8")).toBe("ran\n");
    const retried = inputOf(h.server, 1);
    expect(retried.slice(-2).map((item) => item.type)).toEqual(["function_call", "function_call_output"]);
    // The retried request extends the first one.
    expect(JSON.stringify(retried).startsWith(JSON.stringify(inputOf(h.server, 0)).slice(0, -1))).toBe(true);
  });
});

describe("exec stops on non-retryable errors", () => {
  const fatal: [string, FaultSpec, RegExp][] = [
    [
      "an invalid API key",
      { type: "http", status: 401, message: "Incorrect API key provided" },
      /Incorrect API key/,
    ],
    [
      "exhausted quota",
      { type: "failed", code: "insufficient_quota", message: "You exceeded your current quota" },
      /exceeded your current quota/,
    ],
    [
      "an invalid request",
      { type: "http", status: 400, message: "Invalid value for 'input'" },
      /Invalid value/,
    ],
    [
      "an invalid prompt",
      { type: "failed", code: "invalid_prompt", message: "Invalid prompt: flagged" },
      /Invalid prompt/,
    ],
  ];
  for (const [name, spec, pattern] of fatal) {
    it(`fails the turn on ${name} without retrying`, async () => {
      h = await startHarness(scenario(fault(spec), reply(text("never"))));
      const result = await h.run(["exec", "--json", "hello"]);
      expect(result.code).toBe(1);
      const last = h.jsonEvents(result).at(-1)!;
      expect(last.type).toBe("turn.failed");
      expect(last.error.message).toMatch(pattern);
      expect(h.server.requests).toHaveLength(1);
    });
  }

  it("explains an unreachable server in one actionable message", async () => {
    h = await startHarness(scenario(), { maxRetries: 0 });
    const port = h.server.port;
    await h.server.close();
    const result = await h.run(["exec", "hello"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toMatch(/ECONNREFUSED|could not reach/);
  });

  it("explains a missing API key before sending anything", async () => {
    h = await startHarness(scenario(), { config: "" });
    fs.writeFileSync(path.join(h.home, "config.toml"), 'model = "gpt-5.1-codex"\n');
    const result = await h.run(["exec", "hello"], { env: { OPENAI_API_KEY: "" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/OPENAI_API_KEY is not set/);
    expect(result.stderr).toMatch(/export OPENAI_API_KEY/);
  });
});
