import fs from "node:fs";
import path from "node:path";
import { functionCall, type RecordedRequest, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";
import { inputPrefix } from "./prefix.js";

let h: Harness;
afterEach(async () => h?.close());

type Item = { type: string; role?: string; content?: { text: string }[] };
/** A compact view of a request's input: `type/role: first 30 chars of each part's first line`. */
function layout(input: Item[]): string[] {
  return input.map((item) => {
    const head = item.content?.map((part) => part.text.split("\n")[0]!.slice(0, 30)).join(" | ") ?? "";
    return `${item.type}${item.role ? `/${item.role}` : ""}${head ? `: ${head}` : ""}`;
  });
}

function usageLines(home: string): { input_tokens: number; cached_input_tokens: number }[] {
  const dir = path.join(home, "sessions");
  const file = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .find((entry) => entry.isFile() && entry.name.startsWith("rollout-"))!;
  return fs
    .readFileSync(path.join(file.parentPath, file.name), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((line) => line.type === "usage")
    .map((line) => line.payload.usage);
}

describe("initial context and AGENTS.md", () => {
  it("sends one developer message, one user message with AGENTS.md and the environment, then the prompt", async () => {
    h = await startHarness(scenario(reply(text("ok"))), {
      config: 'developer_instructions = "Always answer in French."',
    });
    fs.mkdirSync(path.join(h.workspace, ".git"));
    fs.writeFileSync(path.join(h.home, "AGENTS.md"), "Global: be brief.");
    fs.writeFileSync(path.join(h.workspace, "AGENTS.md"), "Project: run npm test.");
    const result = await h.run(["exec", "--full-auto", "hi"]);
    expect(result.code).toBe(0);
    const input = inputOf(h.server, 0);
    expect(layout(input)).toEqual([
      "message/developer: <permissions instructions> | Always answer in French.",
      "message/user: # AGENTS.md instructions for / | <environment_context>",
      "message/user: hi",
    ]);
    expect(input[1].content[0].text.startsWith(`# AGENTS.md instructions for ${h.workspace}\n`)).toBe(true);
    expect(input[0].content[0].text).toContain("Sandbox mode is workspace-write");
    expect(input[0].content[0].text).toContain("Approval policy is on-request");
    expect(input[1].content[0].text).toContain(
      "Global: be brief.\n\n--- project-doc ---\n\nProject: run npm test.",
    );
    const env = input[1].content[1].text as string;
    expect(env).toContain(`<cwd>${h.workspace}</cwd>`);
    expect(env).toContain("<shell>bash</shell>");
    expect(env).toMatch(/<current_date>\d{4}-\d{2}-\d{2}<\/current_date>/);
    expect(env).toContain("<timezone>UTC</timezone>");
    expect(env).toContain("<network>restricted</network>");
  });

  it("warns visibly when an AGENTS.md file is cut to fit the budget", async () => {
    h = await startHarness(scenario(reply(text("ok"))), { config: "project_doc_max_bytes = 10" });
    fs.mkdirSync(path.join(h.workspace, ".git"));
    fs.writeFileSync(path.join(h.workspace, "AGENTS.md"), "0123456789abcdef");
    const result = await h.run(["exec", "hi"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `warning: ${path.join(h.workspace, "AGENTS.md")} was truncated: 6 of its 16 bytes were cut`,
    );
    expect(inputOf(h.server, 0)[1].content[0].text).toContain("<INSTRUCTIONS>\n0123456789\n</INSTRUCTIONS>");
  });
});

describe("mid-session changes are appended, never edited", () => {
  it("appends only what changed: nothing, then the cwd, then permissions, then the model", async () => {
    h = await startHarness(scenario(...Array.from({ length: 4 }, (_, i) => reply(text(`answer ${i}`)))));
    fs.mkdirSync(path.join(h.workspace, "sub"));
    const runs = [
      ["exec", "--full-auto", "one"],
      ["exec", "resume", "--last", "--full-auto", "two"],
      // --last looks in the folder the session was last used in: --all reaches it from sub.
      ["exec", "resume", "--last", "--all", "--full-auto", "-C", "sub", "three"],
      ["exec", "resume", "--last", "-s", "read-only", "-C", "sub", "-m", "gpt-5.4", "four"],
    ];
    for (const args of runs) expect((await h.run(args)).code).toBe(0);
    expect(h.server.failures).toEqual([]);
    const added = (i: number) => layout(inputOf(h.server, i).slice(inputOf(h.server, i - 1).length));
    expect(added(1)).toEqual(["message/assistant: answer 0", "message/user: two"]);
    expect(added(2)).toEqual([
      "message/assistant: answer 1",
      "message/developer: <permissions instructions>",
      "message/user: <environment_context>",
      "message/user: three",
    ]);
    expect(inputOf(h.server, 2).at(-2).content[0].text).toBe(
      `<environment_context>\n  <cwd>${path.join(h.workspace, "sub")}</cwd>\n</environment_context>`,
    );
    expect(added(3)).toEqual([
      "message/assistant: answer 2",
      "message/developer: <model_switch> | <permissions instructions>",
      "message/user: <environment_context>",
      "message/user: four",
    ]);
    expect(inputOf(h.server, 3).at(-3).content[1].text).toContain("Sandbox mode is read-only");
    for (let i = 1; i < 4; i++) {
      expect(
        h.server.requests[i]!.rawBody.includes(
          inputPrefix(h.server.requests[i - 1]!.rawBody).slice('{"model":"gpt-5.1-codex"'.length),
        ),
      ).toBe(true);
    }
    expect(h.server.requests[3]!.body!.model).toBe("gpt-5.4");
  });
});

describe("token and cost accounting", () => {
  it("prints a one-line summary with the cache hit share and keeps totals across resume", async () => {
    h = await startHarness(
      scenario(
        reply(functionCall("update_plan", { plan: [{ step: "a", status: "in_progress" }] })),
        reply(text("one")),
        reply(text("two")),
      ),
    );
    const first = await h.run(["exec", "hi"]);
    expect(first.stderr).toMatch(
      /tokens: [\d,]+ in \([\d,]+ cached, [\d.]+% hit\) · [\d,]+ out · \$\d+\.\d{4} · \d+% context left · 2 requests/,
    );
    const second = await h.run(["exec", "resume", "--last", "again"]);
    expect(second.stderr).toMatch(/· 3 requests\n/);
    const usage = usageLines(h.home);
    const totalIn = usage.reduce((n, u) => n + u.input_tokens, 0);
    expect(second.stderr).toContain(`tokens: ${totalIn.toLocaleString("en-US")} in`);
  });

  it("warns about a model it does not know, and uses configured prices", async () => {
    h = await startHarness(scenario(reply(text("ok"))), {
      model: "my-local-model",
      config:
        "model_context_window = 50000\nmodel_input_price_per_million = 1000000\nmodel_output_price_per_million = 0",
    });
    const result = await h.run(["exec", "hi"]);
    expect(result.stderr).toMatch(/model "my-local-model" is not in nightshift's catalogue/);
    const tokens = usageLines(h.home)[0]!.input_tokens;
    expect(result.stderr).toContain(`$${tokens.toFixed(4)}`);
  });
});

/** A session that grows by ~2 KB per request through update_plan calls with a long explanation. */
function growingStep(n: number) {
  return reply(
    functionCall("update_plan", {
      explanation: `progress note ${n}: ${"lorem ipsum dolor sit amet ".repeat(80)}`,
      plan: [{ step: `step ${n}`, status: "in_progress" }],
    }),
  );
}

function isCompact(r: RecordedRequest): boolean {
  return r.path === "/v1/responses/compact";
}

describe("compaction", () => {
  it("compacts on demand with the provider's endpoint, keeping the goal and re-injecting the context", async () => {
    h = await startHarness(
      scenario(growingStep(1), reply(text("first done")), reply(text("after compaction"))),
      {
        config: "[model_providers.fake.placeholder]\n".slice(0, 0),
      },
    );
    fs.appendFileSync(path.join(h.home, "config.toml"), "supports_remote_compaction = true\n");
    expect((await h.run(["exec", "build the parser"])).code).toBe(0);
    const result = await h.run(["exec", "resume", "--last", "--json", "--compact", "continue"]);
    expect(result.code).toBe(0);
    expect(h.server.failures).toEqual([]);
    const paths = h.server.requests.map((r) => r.path);
    expect(paths).toEqual(["/v1/responses", "/v1/responses", "/v1/responses/compact", "/v1/responses"]);
    const after = inputOf(h.server, 3);
    expect(layout(after)).toEqual([
      "message/developer: <permissions instructions>",
      "message/user: <environment_context>",
      "message/user: build the parser",
      "compaction",
      "message/user: [nightshift live plan] The pla",
      "message/user: continue",
    ]);
    const compacted = h.jsonEvents(result).find((e) => e.item?.type === "context_compaction");
    expect(compacted.item).toMatchObject({ method: "remote", reason: "manual" });
    expect(compacted.item.tokens_after).toBeLessThan(compacted.item.tokens_before);
  });

  it("summarises locally when the provider has no compaction endpoint, and a resumed session continues from the summary", async () => {
    h = await startHarness(
      scenario(
        growingStep(1),
        growingStep(2),
        reply(text("done before")),
        {
          match: { lastInput: { type: "message", contains: "Context checkpoint" } },
          response: { output: [{ type: "message", text: "## Goal\nbuild the parser" }] },
        },
        reply(text("continuing")),
        reply(text("resumed fine")),
      ),
    );
    expect((await h.run(["exec", "build the parser"])).code).toBe(0);
    expect((await h.run(["exec", "resume", "--last", "--compact", "go on"])).code).toBe(0);
    expect((await h.run(["exec", "resume", "--last", "and again"])).code).toBe(0);
    expect(h.server.failures).toEqual([]);
    const summaryRequest = inputOf(h.server, 3);
    expect(summaryRequest.slice(0, -1)).toEqual(
      inputOf(h.server, 2).concat([
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "done before" }] },
      ]),
    );
    const compacted = inputOf(h.server, 4);
    expect(layout(compacted)).toEqual([
      "message/developer: <permissions instructions>",
      "message/user: <environment_context>",
      "message/user: build the parser",
      "message/user: [nightshift context checkpoint",
      "message/user: [nightshift live plan] The pla",
      "message/user: go on",
    ]);
    expect(compacted[3].content[0].text).toContain("## Goal\nbuild the parser");
    // The resumed session starts from the compacted history, unchanged.
    expect(h.server.requests[5]!.rawBody.startsWith(inputPrefix(h.server.requests[4]!.rawBody))).toBe(true);
  });

  it("compacts automatically mid-turn when the context fills, and carries on", async () => {
    const steps = [...Array.from({ length: 20 }, (_, i) => growingStep(i + 1)), reply(text("finished"))];
    h = await startHarness(scenario(...steps), { config: "model_context_window = 8000" });
    fs.appendFileSync(path.join(h.home, "config.toml"), "supports_remote_compaction = true\n");
    const result = await h.run(["exec", "--json", "long task"]);
    expect(result.code).toBe(0);
    expect(h.server.failures).toEqual([]);
    expect(h.server.requests.filter(isCompact).length).toBeGreaterThanOrEqual(1);
    const events = h.jsonEvents(result).filter((e) => e.item?.type === "context_compaction");
    expect(events.every((e) => e.item.reason === "auto")).toBe(true);
    const last = h.server.requests.at(-1)!.body!.input as Item[];
    expect(layout(last).slice(0, 3)).toEqual([
      "message/developer: <permissions instructions>",
      "message/user: <environment_context>",
      "message/user: long task",
    ]);
  });

  it("keeps a 2,000-request session under the context window the whole time", async () => {
    const WINDOW = 12_000;
    let n = 0;
    h = await startHarness(
      scenario(
        { match: { path: "/v1/responses" }, times: 1999, generate: () => growingStep(++n) },
        reply(text("all 2000 done")),
      ),
      { config: `model_context_window = ${WINDOW}` },
    );
    fs.appendFileSync(path.join(h.home, "config.toml"), "supports_remote_compaction = true\n");
    const result = await h.run(["exec", "--json", "a very long job"]);
    if (result.code !== 0)
      console.log(result.stdout.split("\n").slice(-5).join("\n"), h.server.failures.slice(0, 1));
    expect(result.code).toBe(0);
    expect(h.server.failures).toEqual([]);
    const usage = usageLines(h.home);
    // 2,000 turn requests, plus the compaction requests (their usage is accounted too).
    expect(usage.length).toBeGreaterThan(2000);
    const largest = Math.max(...usage.map((u) => u.input_tokens));
    expect(largest).toBeLessThan(WINDOW);
    const compactions = h.server.requests.filter(isCompact).length;
    expect(compactions).toBeGreaterThan(50);
    // The goal is still there at the end.
    expect(JSON.stringify(h.server.requests.at(-1)!.body!.input)).toContain("a very long job");
  }, 120_000);
});
