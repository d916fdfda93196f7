import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type RunningServer, type ServeOptions, startServer, withKeys } from "@nightshift/server";
import {
  type FakeModelServer,
  type RecordedRequest,
  type StepSpec,
  startFakeModelServer,
} from "@nightshift/testkit";

export type Key = { id: string; api_key: string; webhook_secret: string };

export type TaskServer = {
  server: RunningServer;
  model: FakeModelServer;
  home: string;
  url: string;
  key: Key;
  /** Another key: it must see none of the first key's objects. */
  other: Key;
  /** A folder of this server's own (removed on close). */
  scratch: string;
  close(): Promise<void>;
};

/**
 * The real task server (`@nightshift/server`) in this process on 127.0.0.1, with a fresh home,
 * two API keys, and runs talking to the fake model server, which answers from `script`.
 */
export async function startTaskServer(
  script: (request: RecordedRequest) => StepSpec,
  options: Partial<ServeOptions> = {},
): Promise<TaskServer> {
  const model = await startFakeModelServer({ scenario: { steps: [{ times: 100_000, generate: script }] } });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-sdk-"));
  const home = path.join(base, "home");
  fs.mkdirSync(home, { recursive: true });
  // Sandboxed commands may not write inside nightshift's home: keep the tasks' projects outside it
  // (servers that put them beside the home by themselves never look here).
  fs.mkdirSync(path.join(home, "serve"), { recursive: true });
  fs.mkdirSync(path.join(base, "tasks"));
  fs.symlinkSync(path.join(base, "tasks"), path.join(home, "serve", "tasks"));
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-5.1-codex"',
      'model_provider = "fake"',
      "model_input_price_per_million = 2",
      "model_output_price_per_million = 10",
      "[model_providers.fake]",
      'name = "fake"',
      `base_url = "${model.url}"`,
      'wire_api = "responses"',
      "request_max_retries = 1",
      "stream_max_retries = 1",
      "stream_idle_timeout_ms = 5000",
      "",
    ].join("\n"),
  );
  const env = { PATH: process.env.PATH, HOME: base, NIGHTSHIFT_HOME: home, TZ: "UTC", SHELL: "/bin/bash" };
  const server = await startServer({
    home,
    env,
    version: "0.0.0-test",
    port: 0,
    allowPrivateWebhooks: true,
    log: () => {},
    progressIntervalMs: 100,
    sseKeepAliveS: 1,
    ...options,
  });
  const [key, other] = await withKeys(home, undefined, async (keys) => [
    await keys.create("sdk-test"),
    await keys.create("other"),
  ]);
  return {
    server,
    model,
    home,
    url: server.url,
    key: key!,
    other: other!,
    scratch: base,
    async close() {
      await server.stop();
      await model.close();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
