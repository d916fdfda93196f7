import fs from "node:fs";
import path from "node:path";
import {
  type FakeModelServer,
  ManualClock,
  type RecordedRequest,
  type StepSpec,
  startFakeModelServer,
} from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type RunEvent, type RunOptions, startRun } from "../src/index.js";
import { lastToolName, type Seen, see } from "./helpers/script.js";
import { makeProject, tempDir } from "./helpers/workspace.js";

/** Each provider reports its own usage per response and has its own prices (per million tokens). */
const PROVIDERS = {
  planner: {
    usage: { input_tokens: 10_000, cached_tokens: 2_000, output_tokens: 500 },
    prices: [5, 0.5, 30],
  },
  work: { usage: { input_tokens: 20_000, cached_tokens: 0, output_tokens: 1_000 }, prices: [2, 0.5, 10] },
  cheap: { usage: { input_tokens: 3_000, cached_tokens: 0, output_tokens: 100 }, prices: [0.2, 0.02, 1.25] },
} as const;
type ProviderId = keyof typeof PROVIDERS;

/** Dollars of one response of a provider at its configured prices. */
function requestUsd(id: ProviderId): number {
  const { usage, prices } = PROVIDERS[id];
  const [input, cached, output] = prices;
  return (
    ((usage.input_tokens - usage.cached_tokens) * input +
      usage.cached_tokens * cached +
      usage.output_tokens * output) /
    1e6
  );
}

let n = 0;
const respond = (id: ProviderId, output: unknown[]): StepSpec => ({
  response: { output: output as never, usage: PROVIDERS[id].usage },
});
const toolCall = (id: ProviderId, name: string, args: unknown) =>
  respond(id, [{ type: "function_call", name, arguments: args, call_id: `m${++n}` }]);

type Setup = {
  servers: Record<ProviderId, FakeModelServer>;
  home: string;
  workspace: string;
  events: RunEvent[];
  start(options?: Partial<RunOptions>): ReturnType<typeof startRun>;
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Three fake providers (the reviewer's on the Chat Completions wire), each with its script. */
async function threeProviders(
  scripts: Record<ProviderId, (seen: Seen) => StepSpec>,
  run: string[],
): Promise<Setup> {
  const clock = new ManualClock({ autoAdvanceMs: 5_000 });
  const servers = {} as Record<ProviderId, FakeModelServer>;
  for (const id of Object.keys(PROVIDERS) as ProviderId[]) {
    servers[id] = await startFakeModelServer({
      now: () => clock.now(),
      scenario: {
        steps: [
          {
            times: 10_000,
            generate: (request: RecordedRequest) => {
              clock.advance(30_000);
              return scripts[id](see(request));
            },
          },
        ],
      },
    });
    cleanups.push(() => servers[id].close());
  }
  const home = tempDir("ns-run-models-");
  const workspace = makeProject({ "src/app.ts": "export const app = 1;\n" });
  cleanups.push(() => {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  const models = { planner: "gpt-5.4", work: "gpt-5.1-codex", cheap: "gpt-5.4-nano" };
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-5.1-codex"',
      'model_provider = "work"',
      "[run]",
      ...run,
      ...(Object.keys(PROVIDERS) as ProviderId[]).flatMap((id) => [
        `[models."${id}:${models[id]}"]`,
        `input_price_per_million = ${PROVIDERS[id].prices[0]}`,
        `cached_input_price_per_million = ${PROVIDERS[id].prices[1]}`,
        `output_price_per_million = ${PROVIDERS[id].prices[2]}`,
      ]),
      ...(Object.keys(PROVIDERS) as ProviderId[]).flatMap((id) => [
        `[model_providers.${id}]`,
        `base_url = "${servers[id].url}"`,
        `wire_api = "${id === "cheap" ? "chat" : "responses"}"`,
        "request_max_retries = 0",
        "stream_max_retries = 0",
      ]),
    ].join("\n"),
  );
  const events: RunEvent[] = [];
  return {
    servers,
    home,
    workspace,
    events,
    start: (options = {}) =>
      startRun(
        { task: "document the app in README.md", verify: ["test -f src/app.ts"], ...options, workspace },
        {
          home,
          env: { PATH: process.env.PATH, HOME: home, TZ: "UTC", SHELL: "/bin/bash" },
          version: "0.0.0-test",
          clock,
          onEvent: (event) => events.push(event),
        },
      ),
  };
}

/** Plans one stage whose README criterion only a reader can judge. */
const planner = (seen: Seen): StepSpec => {
  if (!seen.planning) throw new Error("a work request reached the planning model");
  return toolCall("planner", "submit_plan", {
    stages: [
      {
        id: "docs",
        title: "write the README",
        goal: "README.md explains what the app exports, with an example",
        acceptance: ["test -s README.md"],
        review_criteria: ["README.md shows an example of importing app"],
        risks: [],
      },
    ],
  });
};

/** Writes a README without an example, then (told the review said no) adds one. */
const worker = (seen: Seen): StepSpec => {
  if (seen.planning) throw new Error("a planning request reached the work model");
  // The verification's answer names the criterion and the reviewer's reason.
  const rejected = seen.text.includes("no example in README.md");
  if (lastToolName(seen) === "shell")
    return toolCall("work", "stage_complete", { stage_id: "docs", summary: "wrote README.md" });
  const text = rejected ? "# app\\n\\nimport { app } from './src/app';\\n" : "# app\\n\\nIt exports app.\\n";
  return toolCall("work", "shell", { command: ["bash", "-lc", `printf "${text}" > README.md`] });
};

/** Reads README.md with a command, then answers (Chat Completions: the history is in `messages`). */
const reviewer = (seen: Seen): StepSpec => {
  const messages = (seen.body.messages ?? []) as { role: string }[];
  if (messages.at(-1)?.role !== "tool") {
    return toolCall("cheap", "shell", { command: ["bash", "-lc", "cat README.md"] });
  }
  const met = JSON.stringify(messages).includes("import { app }");
  const reason = met ? "README.md imports app in an example" : "no example in README.md";
  return respond("cheap", [
    { type: "message", text: JSON.stringify({ verdicts: [{ criterion: 1, met, reason }] }) },
  ]);
};

describe("nightshift run: a model per role", { timeout: 120_000 }, () => {
  it("plans on plan_model, works on model, has review_model judge a criterion, and bills each at its prices", async () => {
    const s = await threeProviders({ planner, work: worker, cheap: reviewer }, [
      'plan_model = "planner:gpt-5.4"',
      'model = "work:gpt-5.1-codex"',
      'review_model = "cheap:gpt-5.4-nano"',
    ]);
    const { report, reportPath } = await s.start();
    for (const server of Object.values(s.servers)) expect(server.failures).toEqual([]);
    expect(report.status).toBe("completed");

    // Planning requests went to plan_model only, the work to model only.
    const planning = s.servers.planner.requests;
    expect(planning.length).toBeGreaterThan(0);
    expect(planning.every((r) => r.body!.model === "gpt-5.4" && see(r).planning)).toBe(true);
    const work = s.servers.work.requests;
    expect(work.every((r) => r.body!.model === "gpt-5.1-codex" && !see(r).planning)).toBe(true);

    // The reviewer (Chat Completions) answered no, then yes after the fix.
    const reviews = s.events.filter((e) => e.type === "run.review");
    expect(reviews.map((e) => e.type === "run.review" && [e.model, e.verdicts[0]!.met])).toEqual([
      ["cheap:gpt-5.4-nano", false],
      ["cheap:gpt-5.4-nano", true],
    ]);
    expect(
      s.servers.cheap.requests.every(
        (r) => r.path === "/v1/chat/completions" && r.body!.model === "gpt-5.4-nano",
      ),
    ).toBe(true);
    expect(JSON.stringify(s.servers.cheap.requests[0]!.body!.messages)).toContain(
      "README.md shows an example",
    );
    // The worker was told why.
    expect(work.some((r) => JSON.stringify(r.body!.input).includes("no example in README.md"))).toBe(true);
    expect(fs.readFileSync(path.join(s.workspace, "README.md"), "utf8")).toContain("import { app }");

    // The breakdown equals each provider's reported usage at its configured prices.
    const served = (id: ProviderId) => s.servers[id].requests.filter((r) => r.stepIndex !== null).length;
    const rows = report.by_model.map((r) => [r.provider, r.model, r.role, r.requests]);
    expect(rows).toEqual([
      ["planner", "gpt-5.4", "plan", served("planner")],
      ["work", "gpt-5.1-codex", "work", served("work")],
      ["cheap", "gpt-5.4-nano", "review", served("cheap")],
    ]);
    for (const row of report.by_model) {
      const id = row.provider as ProviderId;
      const { usage } = PROVIDERS[id];
      expect(row.tokens).toEqual({
        input: served(id) * usage.input_tokens,
        cached: served(id) * usage.cached_tokens,
        output: served(id) * usage.output_tokens,
      });
      expect(row.cost_usd).toBeCloseTo(served(id) * requestUsd(id), 12);
    }
    const sum = report.by_model.reduce((total, row) => total + row.cost_usd!, 0);
    expect(report.cost_usd.tokens).toBeCloseTo(sum, 12);
    expect(report.requests).toBe(served("planner") + served("work") + served("cheap"));

    const md = fs.readFileSync(path.join(path.dirname(reportPath), "report.md"), "utf8");
    expect(md).toContain(
      `review on cheap:gpt-5.4-nano: $${(served("cheap") * requestUsd("cheap")).toFixed(4)}`,
    );
  });
});
