import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fault, reply, scenario, startFakeModelServer, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createSession, type HostDeps, type SessionEvent } from "../../src/index.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function home(config: string[]) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-roles-"));
  const dir = path.join(base, "home");
  const workspace = path.join(base, "work");
  fs.mkdirSync(dir);
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(dir, "config.toml"), config.join("\n"));
  cleanups.push(() => fs.rmSync(base, { recursive: true, force: true }));
  const deps: HostDeps = {
    home: dir,
    env: { PATH: process.env.PATH, HOME: base, SHELL: "/bin/bash", TZ: "UTC" },
    version: "test",
  };
  return { deps, workspace };
}

async function drain(events: AsyncIterable<SessionEvent>) {
  const out: SessionEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe("models per role in a session", { timeout: 60_000 }, () => {
  it("sends compaction requests to compact_model and books them as role compact", async () => {
    // A long answer, so that a summary makes the history smaller.
    const work = await startFakeModelServer({ scenario: scenario(reply(text("worked ".repeat(5_000)))) });
    const summaries = await startFakeModelServer({
      scenario: scenario({
        match: { model: "gpt-5.4-nano" },
        response: {
          output: [{ type: "message", text: "## Goal\nthe summary" }],
          usage: { input_tokens: 500, output_tokens: 50 },
        },
      }),
    });
    cleanups.push(
      () => work.close(),
      () => summaries.close(),
    );
    const { deps, workspace } = await home([
      'model = "gpt-5.4"',
      'model_provider = "work"',
      'compact_model = "cheap:gpt-5.4-nano"',
      "[model_providers.work]",
      `base_url = "${work.url}"`,
      "supports_remote_compaction = true",
      "[model_providers.cheap]",
      `base_url = "${summaries.url}"`,
    ]);
    const session = await createSession({ cwd: workspace, role: "plan" }, deps);
    cleanups.push(() => session.close());
    await drain(session.runTurn("do it", { signal: new AbortController().signal }));
    const compacted = await drain(session.compact(new AbortController().signal));
    expect(compacted.find((e) => e.type === "compacted")).toMatchObject({ method: "local" });

    // Remote compaction is not used across providers: the summary is a model-written note.
    expect(work.requests.map((r) => r.path)).toEqual(["/v1/responses"]);
    expect(summaries.requests).toHaveLength(1);
    expect(summaries.requests[0]!.body).toMatchObject({ model: "gpt-5.4-nano" });
    expect(JSON.stringify(summaries.requests[0]!.body!.input)).toContain("Context checkpoint");
    expect(session.usage().breakdown.map((r) => [r.provider, r.model, r.role, r.requests])).toEqual([
      ["work", "gpt-5.4", "plan", 1],
      ["cheap", "gpt-5.4-nano", "compact", 1],
    ]);
    const nano = session.usage().breakdown[1]!;
    expect(nano.cost_usd).toBeCloseTo((500 * 0.2 + 50 * 1.25) / 1e6, 12);
  });

  it("asks an unknown Responses model for reasoning; a 400 about it drops the parameters and says so once", async () => {
    const server = await startFakeModelServer({
      scenario: scenario(
        fault({ type: "http", status: 400, message: "Unknown parameter: 'reasoning.summary'." }),
        reply(text("fine without")),
        reply(text("still fine")),
      ),
    });
    cleanups.push(() => server.close());
    const { deps, workspace } = await home([
      'model = "acme-coder-1"',
      'model_provider = "acme"',
      "[model_providers.acme]",
      `base_url = "${server.url}"`,
      "request_max_retries = 0",
    ]);
    const session = await createSession({ cwd: workspace }, deps);
    cleanups.push(() => session.close());
    expect(session.warnings.join("\n")).toMatch(
      /acme-coder-1.*reasoning \(dropped if the server refuses it\)/,
    );
    const first = await drain(session.runTurn("one", { signal: new AbortController().signal }));
    const second = await drain(session.runTurn("two", { signal: new AbortController().signal }));
    expect(first.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "fine without" });
    expect(second.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "still fine" });
    const warnings = [...first, ...second].filter((e) => e.type === "warning");
    expect(warnings).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^acme:acme-coder-1 refused the reasoning parameters/),
      }),
    ]);
    const bodies = server.requests.map((r) => r.body!);
    expect(bodies[0]).toMatchObject({
      reasoning: { summary: "auto" },
      include: ["reasoning.encrypted_content"],
    });
    expect(bodies.slice(1).map((b) => [b.reasoning, b.include])).toEqual([
      [null, []],
      [null, []],
    ]);
  });

  it("warns about a fallback whose provider cannot be used, and goes on without it", async () => {
    const server = await startFakeModelServer({ scenario: scenario(reply(text("ok"))) });
    cleanups.push(() => server.close());
    const { deps, workspace } = await home([
      'model = "gpt-5.4"',
      'model_provider = "fake"',
      'fallback_models = ["openrouter:some/model", "gpt-5.4-mini"]',
      "[model_providers.fake]",
      `base_url = "${server.url}"`,
    ]);
    const session = await createSession({ cwd: workspace }, deps);
    cleanups.push(() => session.close());
    expect(session.fallbackModels).toEqual(["fake:gpt-5.4-mini"]);
    expect(session.warnings.join("\n")).toMatch(
      /fallback model "openrouter:some\/model" is not used: OPENROUTER_API_KEY is not set/,
    );
    // --fallback-model (SessionSpec.fallbackModels) replaces the configured list.
    const flagged = await createSession({ cwd: workspace, fallbackModels: ["gpt-5.4-nano"] }, deps);
    cleanups.push(() => flagged.close());
    expect(flagged.fallbackModels).toEqual(["fake:gpt-5.4-nano"]);
  });
});
