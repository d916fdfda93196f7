import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type FakeModelServer,
  type RecordedRequest,
  type StepSpec,
  startFakeModelServer,
} from "@nightshift/testkit";
import { createApiKey } from "../../src/keys/api-keys.js";
import { type RunningServer, type ServeOptions, startServer } from "../../src/server.js";
import { serverPaths } from "../../src/storage/paths.js";
import { fileSecretBox } from "../../src/storage/secrets.js";

export type Key = { id: string; api_key: string; webhook_secret: string };

export type ServerHarness = {
  server: RunningServer;
  model: FakeModelServer;
  home: string;
  key: Key;
  /** Another key: it must see none of the first key's objects. */
  other: Key;
  api(pathname: string, init?: RequestInit & { key?: Key; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
};

/** Writes config.toml so runs talk to the fake model server. */
export function writeConfig(home: string, modelUrl: string): void {
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-5.1-codex"',
      'model_provider = "fake"',
      "model_input_price_per_million = 2",
      "model_output_price_per_million = 10",
      "",
      "[model_providers.fake]",
      'name = "fake"',
      `base_url = "${modelUrl}"`,
      'wire_api = "responses"',
      "request_max_retries = 1",
      "stream_max_retries = 1",
      "stream_idle_timeout_ms = 5000",
      "",
    ].join("\n"),
  );
}

export function testEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: path.dirname(home),
    NIGHTSHIFT_HOME: home,
    TZ: "UTC",
    SHELL: "/bin/bash",
  };
}

/**
 * The task server in this process on 127.0.0.1 (real HTTP), with a fresh home, two API keys and the
 * fake model server answering from `script`.
 */
export async function startServerHarness(
  script: (request: RecordedRequest) => StepSpec,
  options: Partial<ServeOptions> = {},
): Promise<ServerHarness> {
  const model = await startFakeModelServer({ scenario: { steps: [{ times: 100_000, generate: script }] } });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-"));
  const home = path.join(base, "home");
  writeConfig(home, model.url);
  const server = await startServer({
    home,
    env: testEnv(home),
    version: "0.0.0-test",
    port: 0,
    allowPrivateWebhooks: true,
    log: () => {},
    progressIntervalMs: 200,
    ...options,
  });
  const paths = serverPaths(home);
  const box = fileSecretBox(paths.secretKey);
  const key = await createApiKey(server.storage, box, "test", Date.now());
  const other = await createApiKey(server.storage, box, "other", Date.now());
  return {
    server,
    model,
    home,
    key,
    other,
    api(pathname, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${(init.key ?? key).api_key}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set("content-type", "application/json");
        body = JSON.stringify(init.json);
      }
      return fetch(`${server.url}${pathname}`, { ...init, headers, body });
    },
    async close() {
      await server.stop();
      await model.close();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

export function uploadForm(archive: Buffer, filename = "project.tar.gz", purpose = "agent"): FormData {
  const form = new FormData();
  form.set("purpose", purpose);
  form.set("file", new Blob([new Uint8Array(archive)]), filename);
  return form;
}
