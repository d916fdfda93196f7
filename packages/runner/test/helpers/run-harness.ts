import fs from "node:fs";
import path from "node:path";
import {
  type FakeModelServer,
  ManualClock,
  type RecordedRequest,
  type StepSpec,
  startFakeModelServer,
} from "@nightshift/testkit";
import { type RunEvent, type RunOptions, type RunResult, startRun } from "../../src/index.js";
import { type Seen, see } from "./script.js";
import { makeProject, tempDir } from "./workspace.js";

export type RunHarness = {
  server: FakeModelServer;
  clock: ManualClock;
  home: string;
  workspace: string;
  events: RunEvent[];
  start(options: Omit<RunOptions, "workspace">): Promise<RunResult>;
  close(): Promise<void>;
};

/** Test prices (per million tokens), set in config.toml: the report must match them exactly. */
export const PRICES = { input: 2, cached: 0.5, output: 10 };

/**
 * A run in this process against the fake model server (real HTTP on 127.0.0.1), a real git
 * project and the real sandbox, with a manual clock: each model request moves it by `stepMs`.
 */
export async function startRunHarness(args: {
  files: Record<string, string>;
  script: (seen: Seen) => StepSpec;
  stepMs?: number;
  git?: boolean;
}): Promise<RunHarness> {
  // Back-offs of a few seconds pass at once; the run's heartbeats and schedules wait for requests.
  const clock = new ManualClock({ autoAdvanceMs: 5_000 });
  const stepMs = args.stepMs ?? 60_000;
  const server = await startFakeModelServer({
    now: () => clock.now(),
    scenario: {
      steps: [
        {
          times: 100_000,
          generate: (request: RecordedRequest) => {
            clock.advance(stepMs);
            return args.script(see(request));
          },
        },
      ],
    },
  });
  const home = tempDir("ns-run-home-");
  const workspace = makeProject(args.files, { git: args.git });
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-5.1-codex"',
      'model_provider = "fake"',
      `model_input_price_per_million = ${PRICES.input}`,
      `model_cached_input_price_per_million = ${PRICES.cached}`,
      `model_output_price_per_million = ${PRICES.output}`,
      "",
      "[model_providers.fake]",
      'name = "fake"',
      `base_url = "${server.url}"`,
      'wire_api = "responses"',
      "request_max_retries = 0",
      "stream_max_retries = 0",
      // Each request moves the manual clock by stepMs: the stream may not time out on it.
      "stream_idle_timeout_ms = 86400000",
      "",
    ].join("\n"),
  );
  const events: RunEvent[] = [];
  return {
    server,
    clock,
    home,
    workspace,
    events,
    start: (options) =>
      startRun(
        { ...options, workspace },
        {
          home,
          env: { PATH: process.env.PATH, HOME: home, TZ: "UTC", SHELL: "/bin/bash" },
          version: "0.0.0-test",
          clock,
          onEvent: (event) => events.push(event),
        },
      ),
    async close() {
      await server.close();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}
