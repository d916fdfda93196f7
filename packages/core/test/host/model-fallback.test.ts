import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type FakeModelServer,
  type FaultSpec,
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
import { createSession, type HostDeps, resumeSession, type SessionEvent } from "../../src/index.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A clock whose sleeps (retry back-offs) pass at once and whose time moves only when told. */
class TestClock {
  t = Date.UTC(2026, 5, 1);
  now = () => this.t;
  sleep = async () => {};
}

const PRICES_A = { input: 2, cached: 0.5, output: 10 };
const PRICES_B = { input: 0.5, cached: 0.05, output: 2 };

async function twoProviders(args: { a: StepSpec[] | "unreachable"; b: StepSpec[] }) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-fallback-"));
  const home = path.join(base, "home");
  const workspace = path.join(base, "work");
  fs.mkdirSync(home);
  fs.mkdirSync(workspace);
  let a: FakeModelServer;
  if (args.a === "unreachable") {
    a = await startFakeModelServer();
    await a.close();
  } else a = await startFakeModelServer({ scenario: scenario(...args.a) });
  const b = await startFakeModelServer({ scenario: scenario(...args.b) });
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-5.4"',
      'model_provider = "a"',
      'fallback_models = ["b:gpt-5.4-mini"]',
      '[models."a:gpt-5.4"]',
      `input_price_per_million = ${PRICES_A.input}`,
      `cached_input_price_per_million = ${PRICES_A.cached}`,
      `output_price_per_million = ${PRICES_A.output}`,
      '[models."b:gpt-5.4-mini"]',
      `input_price_per_million = ${PRICES_B.input}`,
      `cached_input_price_per_million = ${PRICES_B.cached}`,
      `output_price_per_million = ${PRICES_B.output}`,
      "[model_providers.a]",
      `base_url = "${a.url}"`,
      "request_max_retries = 1",
      "stream_max_retries = 1",
      "stream_idle_timeout_ms = 300",
      "[model_providers.b]",
      `base_url = "${b.url}"`,
      "request_max_retries = 1",
      "stream_max_retries = 1",
    ].join("\n"),
  );
  const clock = new TestClock();
  const deps: HostDeps = {
    home,
    env: { PATH: process.env.PATH, HOME: base, SHELL: "/bin/bash", TZ: "UTC" },
    version: "test",
    clock,
  };
  cleanups.push(async () => {
    await a.close();
    await b.close();
    fs.rmSync(base, { recursive: true, force: true });
  });
  const session = await createSession(
    { cwd: workspace, sandbox: "workspace-write", approvalPolicy: "never" },
    deps,
  );
  cleanups.push(() => session.close());
  const turn = async (input: string) => {
    const events: SessionEvent[] = [];
    for await (const event of session.runTurn(input, { signal: new AbortController().signal }))
      events.push(event);
    return events;
  };
  const runs = () => {
    const file = path.join(workspace, "runs.txt");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
  };
  return { a, b, session, clock, deps, workspace, turn, runs };
}

const appendRun = (id: string) =>
  functionCall("shell", { command: ["bash", "-lc", `echo ${id} >> runs.txt`] }, id);
const usage = { input_tokens: 1_000, cached_tokens: 0, output_tokens: 100 };
const withUsage = (step: StepSpec): StepSpec => ({ ...step, response: { ...step.response!, usage } });

/** The input array of a Responses body, as sent (for byte-prefix checks). */
const inputOf = (raw: string) => raw.slice(raw.indexOf('"input":['), raw.indexOf('],"tools":'));

const FAILURES: [string, StepSpec[], string][] = [
  [
    "5xx after the retry budget",
    [fault({ type: "http", status: 500 }), fault({ type: "http", status: 502 })],
    "http_5xx",
  ],
  [
    "timeouts after the retry budget",
    [fault({ type: "stall", afterEvents: 1 }), fault({ type: "stall", afterEvents: 1 })],
    "idle_timeout",
  ],
  [
    "429 with an exhausted quota",
    [
      fault({
        type: "http",
        status: 429,
        code: "insufficient_quota",
        errorType: "insufficient_quota",
      } as FaultSpec),
    ],
    "quota_exceeded",
  ],
  [
    "a model that does not exist",
    [
      fault({
        type: "http",
        status: 404,
        code: "model_not_found",
        message: "The model `gpt-5.4` does not exist.",
      }),
    ],
    "invalid_request",
  ],
];

describe("fallback models through the host", { timeout: 60_000 }, () => {
  it.each(FAILURES)(
    "a primary failing with %s hands the turn over: no tool runs twice, the fallback's prefix holds, the ledger knows who answered",
    async (_name, failure, errorKind) => {
      const missing = errorKind === "invalid_request";
      const t = await twoProviders({
        a: [
          // Turn 1: the primary reasons (encrypted), runs a tool, then fails.
          withUsage(reply(reasoning("plan it", "enc-only-a-can-read"), appendRun("c1"))),
          ...failure,
          // Turn 3, after the primary's rest: it answers again.
          withUsage(reply(text("the primary is back"))),
        ],
        b: [
          // The fallback replays the call that already ran (as a retried response may): not run
          // again, but the model is owed an answer, so the turn goes on.
          { ...withUsage(reply(text("checking"))), fault: { type: "replay_answered_call" } },
          withUsage(reply(text("finished on b"))),
          // Turn 2: on the fallback from the start (the primary rests), a tool and an answer.
          withUsage(reply(appendRun("c2"))),
          withUsage(reply(text("turn 2 done"))),
          // Turn 3 when the primary's model does not exist: still the fallback.
          ...(missing ? [withUsage(reply(text("still on b")))] : []),
        ],
      });

      const first = await t.turn("count the runs");
      expect(first.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "finished on b" });
      expect(t.runs()).toBe(1);
      expect(first.filter((e) => e.type === "model_fallback")).toEqual([
        expect.objectContaining({ from: "a:gpt-5.4", to: "b:gpt-5.4-mini", errorKind }),
      ]);
      // The fallback got the finished call and its output, and not a's encrypted reasoning.
      const firstToB = t.b.requests[0]!;
      expect(firstToB.body).toMatchObject({ model: "gpt-5.4-mini" });
      expect(firstToB.rawBody).not.toContain("enc-only-a-can-read");
      expect(JSON.stringify(firstToB.body!.input)).toContain('"call_id":"c1"');

      const second = await t.turn("once more");
      expect(second.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "turn 2 done" });
      expect(t.runs()).toBe(2);
      const skipped = second.filter((e) => e.type === "model_fallback");
      expect(skipped).toEqual(missing ? [] : [expect.objectContaining({ errorKind: "circuit_open" })]);
      // Nothing went to the primary in turn 2; each request to the fallback starts with the previous one.
      const toA = t.a.requests.length;
      expect(toA).toBe(1 + failure.length);
      const toB = t.b.requests.map((r) => inputOf(r.rawBody));
      expect(toB).toHaveLength(4);
      for (let i = 1; i < toB.length; i++) expect(toB[i]!.startsWith(toB[i - 1]!)).toBe(true);

      // A later turn, after the rest: the primary is tried again (unless its model does not exist).
      t.clock.t += 61_000;
      const third = await t.turn("and again");
      expect(third.at(-1)).toMatchObject({
        type: "turn_completed",
        lastAgentMessage: missing ? "still on b" : "the primary is back",
      });
      expect(t.a.requests.length).toBe(missing ? toA : toA + 1);
      if (!missing) expect(t.a.requests.at(-1)!.rawBody).toContain("enc-only-a-can-read");
      expect(t.a.failures).toEqual([]);
      expect(t.b.failures).toEqual([]);

      // The ledger: per model, the tokens each provider reported, at each model's prices.
      const rows = t.session.usage().breakdown;
      const answeredByA = missing ? 1 : 2;
      const answeredByB = missing ? 5 : 4;
      expect(rows.map((r) => [r.provider, r.model, r.role, r.requests])).toEqual([
        ["a", "gpt-5.4", "work", answeredByA],
        ["b", "gpt-5.4-mini", "work", answeredByB],
      ]);
      const dollars = (p: typeof PRICES_A, n: number) => (n * (1_000 * p.input + 100 * p.output)) / 1e6;
      expect(rows[0]!.cost_usd).toBeCloseTo(dollars(PRICES_A, answeredByA), 12);
      expect(rows[1]!.cost_usd).toBeCloseTo(dollars(PRICES_B, answeredByB), 12);
      expect(rows[0]!.usage).toMatchObject({
        input_tokens: answeredByA * 1_000,
        output_tokens: answeredByA * 100,
      });
      expect(t.session.summary()).toContain("fell back from a:gpt-5.4 to b:gpt-5.4-mini");

      // The fallback is persisted for replay, and a resumed session keeps the breakdown.
      expect(t.session.replay().filter((e) => e.type === "model_fallback").length).toBe(missing ? 1 : 2);
      await t.session.close();
      const resumed = await resumeSession({ id: t.session.id }, { cwd: t.workspace }, t.deps);
      cleanups.push(() => resumed.close());
      expect(resumed.usage().breakdown).toEqual(rows);
    },
  );

  it("an unreachable primary: retried within the budget, then the fallback; after its rest one try is enough", async () => {
    const t = await twoProviders({
      a: "unreachable",
      b: [reply(text("b one")), reply(text("b two")), reply(text("b three"))],
    });
    const first = await t.turn("hello");
    expect(first.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "b one" });
    expect(first.filter((e) => e.type === "retry")).toHaveLength(1);
    const fallback = first.find((e) => e.type === "model_fallback");
    expect(fallback).toMatchObject({ errorKind: "transport" });
    expect((fallback as { reason: string }).reason).toMatch(/could not reach/);

    // The circuit is open: the next turn does not knock on the primary at all.
    const second = await t.turn("again");
    expect(second.filter((e) => e.type === "retry")).toHaveLength(0);
    expect(second.at(-1)).toMatchObject({ lastAgentMessage: "b two" });

    // Half-open after the rest: one failed try (no retries) and the turn is on the fallback again.
    t.clock.t += 61_000;
    const third = await t.turn("and again");
    expect(third.filter((e) => e.type === "retry")).toHaveLength(0);
    expect(third.filter((e) => e.type === "model_fallback")).toEqual([
      expect.objectContaining({ from: "a:gpt-5.4", errorKind: "transport" }),
    ]);
    expect(third.at(-1)).toMatchObject({ lastAgentMessage: "b three" });
  });
});
