import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import readline from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { BIN } from "../../cli/test/e2e/harness.js";
import { statelessModel } from "../../cli/test/e2e/run-script.js";
import { systemTarGz } from "./helpers/archives.js";
import { readEventsUntil } from "./helpers/event-stream.js";
import { type ScaleOutCluster, startScaleOutCluster } from "./helpers/scaleout-cluster.js";
import { testEnv, uploadForm, writeConfig } from "./helpers/server-harness.js";

let cluster: ScaleOutCluster | null = null;
let serve: ChildProcess | null = null;
afterEach(async () => {
  if (serve && serve.exitCode === null && serve.signalCode === null) {
    const exited = new Promise((resolve) => serve!.once("close", resolve));
    serve.kill("SIGKILL");
    await exited;
  }
  await cluster?.close();
  cluster = serve = null;
});

describe("nightshift serve on PostgreSQL", { timeout: 240_000 }, () => {
  it("serves the API with --workers 0 while a nightshift worker elsewhere runs the task to completion", async () => {
    cluster = await startScaleOutCluster(statelessModel(["s1"]));
    const c = cluster;
    writeConfig(c.apiHome, c.model.url);
    const env = { ...testEnv(c.apiHome), NODE_OPTIONS: "" };
    const created = spawnSync(
      process.execPath,
      [BIN, "serve", "keys", "create", "--db", c.url, "--name", "team", "--json"],
      { env, encoding: "utf8" },
    );
    expect(created.status, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { api_key: string };

    serve = spawn(
      process.execPath,
      [BIN, "serve", "--db", c.url, "--port", "0", "--workers", "0", "--allow-private-webhooks"],
      { env, stdio: ["ignore", "ignore", "pipe"] },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      readline.createInterface({ input: serve!.stderr! }).on("line", (line) => {
        seen += `${line}\n`;
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) resolve(match[1]!);
      });
      serve!.once("close", (code) => reject(new Error(`serve exited with ${code}:\n${seen}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const api = async (pathname: string, init: RequestInit & { json?: unknown } = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${key.api_key}`);
      if (init.json !== undefined) headers.set("content-type", "application/json");
      const response = await fetch(`${url}${pathname}`, {
        ...init,
        headers,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });
      expect(
        response.ok,
        `${pathname}: ${response.status} ${response.ok ? "" : await response.clone().text()}`,
      ).toBe(true);
      return response;
    };
    const file = await (
      await api("/v1/files", {
        method: "POST",
        body: uploadForm(systemTarGz({ "README.md": "# demo\n" }, { prefix: "demo" })),
      })
    ).json();
    const agent = await (
      await api("/v1/agents", {
        method: "POST",
        json: { model: "gpt-5.1-codex", timeout_hours: 1, checkpoint_interval: 30, max_cost: 5 },
      })
    ).json();
    const task = await (
      await api("/v1/agent_tasks", {
        method: "POST",
        json: {
          agent_id: agent.id,
          instructions: "write the file",
          files: [file.id],
          output_format: "zip",
          webhook_url: c.webhookUrl,
        },
      })
    ).json();
    expect(task.status).toBe("queued");

    // A live event stream opened on the API server before any worker exists: the events the remote
    // worker stores reach it too, up to the end of the task.
    const live = readEventsUntil(
      (signal) =>
        api(`/v1/agent_tasks/${task.id}/events`, { headers: { accept: "text/event-stream" }, signal }),
      (event) => event.event === "end",
    );
    // No worker in the API process: the task waits for one, here another process with its own home.
    c.spawnWorker(["--concurrency", "1"]);
    const done = await c.until("the task to complete", async () => {
      const current = await (await api(`/v1/agent_tasks/${task.id}`)).json();
      return ["queued", "planning", "running"].includes(current.status) ? null : current;
    });
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    const streamed = await live;
    expect(streamed.map((event) => event.event)).toContain("run.checkpoint");
    expect(JSON.parse(streamed.at(-1)!.data).status).toBe("completed");
    const artifact = await api(`/v1/files/${done.output_file_id}/content`);
    expect((await artifact.arrayBuffer()).byteLength).toBeGreaterThan(0);
    await c.until("the completion webhook", () => c.deliveries.length >= 1);
    expect(c.deliveries.map((d) => d.type)).toEqual(["agent_task.completed"]);
  });
});
