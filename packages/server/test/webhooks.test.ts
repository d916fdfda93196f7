import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { ManualClock } from "@nightshift/testkit";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../src/keys/api-keys.js";
import { fileSecretBox, type SecretBox } from "../src/storage/secrets.js";
import { openSqliteStorage } from "../src/storage/sqlite/sqlite-storage.js";
import type { Storage, WebhookRow } from "../src/storage/types.js";
import { checkWebhookUrl } from "../src/webhooks/address-policy.js";
import { RETRY_DELAYS_MS, WebhookDispatcher } from "../src/webhooks/dispatcher.js";
import { httpSender } from "../src/webhooks/send.js";
import { webhookPayload } from "../src/webhooks/signing.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const HOUR = 3_600_000;
let dir: string;
let storage: Storage;
let box: SecretBox;
let clock: ManualClock;
let receiver: WebhookReceiver | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-hooks-"));
  storage = openSqliteStorage(path.join(dir, "serve.db"));
  box = fileSecretBox(path.join(dir, "secret.key"));
  clock = new ManualClock({ autoAdvanceMs: 5_000 });
});
afterEach(async () => {
  await receiver?.close();
  receiver = null;
  await storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function dispatcher(options: { allowPrivate?: boolean; timeoutMs?: number } = {}) {
  return new WebhookDispatcher({
    storage,
    box,
    clock,
    log: () => {},
    send: httpSender({
      timeoutMs: options.timeoutMs ?? 15_000,
      allowPrivate: options.allowPrivate ?? true,
      userAgent: "nightshift/test",
    }),
  });
}

async function queue(owner: string, url: string, id = "msg_test1"): Promise<WebhookRow> {
  const row: WebhookRow = {
    id,
    owner,
    task_id: "task_1",
    event_type: "agent_task.completed",
    url,
    payload: webhookPayload("agent_task.completed", "task_1", "completed", clock.now()),
    created_at: clock.now(),
    attempts: 0,
    next_attempt_at: clock.now(),
    status: "pending",
    last_error: null,
    delivered_at: null,
  };
  await storage.enqueueWebhook(row);
  return row;
}

async function only(): Promise<WebhookRow> {
  const [row] = await storage.listWebhooks("task_1");
  return row!;
}

describe("webhooks: delivery from the outbox", () => {
  it("retries a failing endpoint with growing delays for up to 3 days, the same webhook-id and a valid signature every time", async () => {
    const key = await createApiKey(storage, box, "k", clock.now());
    receiver = await startWebhookReceiver((i) => ({ status: i < 4 ? 503 : 200 }));
    await queue(key.id, receiver.url);
    const hooks = dispatcher();

    const attemptsAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect(await hooks.deliverDue()).toBe(1);
      attemptsAt.push(clock.now());
      // Nothing is due before the next delay has passed.
      const row = await only();
      if (row.status === "delivered") break;
      expect(await hooks.deliverDue()).toBe(0);
      clock.advance(row.next_attempt_at - clock.now());
    }
    const row = await only();
    expect(row).toMatchObject({ status: "delivered", attempts: 5, last_error: null });
    expect(receiver.received).toHaveLength(5);
    const gaps = attemptsAt.slice(1).map((t, i) => t - attemptsAt[i]!);
    expect(gaps).toEqual(RETRY_DELAYS_MS.slice(0, 4));
    // The reference library's signature for each attempt's id, timestamp and body (its verify()
    // checks the timestamp against the real time, which the manual clock is days away from).
    const reference = new Webhook(key.webhook_secret);
    for (const hook of receiver.received) {
      expect(hook.headers["webhook-id"]).toBe("msg_test1");
      const at = new Date(Number(hook.headers["webhook-timestamp"]) * 1000);
      expect(hook.headers["webhook-signature"]).toBe(reference.sign("msg_test1", at, hook.body));
      expect(JSON.parse(hook.body)).toMatchObject({
        type: "agent_task.completed",
        data: { id: "task_1", status: "completed" },
      });
    }
    // Each attempt is signed at its own time.
    expect(new Set(receiver.received.map((h) => h.headers["webhook-timestamp"])).size).toBe(5);
  });

  it("gives up after the last retry, within 3 days of the first attempt", async () => {
    const key = await createApiKey(storage, box, "k", clock.now());
    receiver = await startWebhookReceiver(() => ({ status: 500 }));
    const start = clock.now();
    await queue(key.id, receiver.url);
    const hooks = dispatcher();
    let attempts = 0;
    while ((await only()).status === "pending") {
      clock.advance(Math.max(0, (await only()).next_attempt_at - clock.now()));
      attempts += await hooks.deliverDue();
    }
    expect(await only()).toMatchObject({ status: "failed", attempts: RETRY_DELAYS_MS.length + 1 });
    expect(attempts).toBe(RETRY_DELAYS_MS.length + 1);
    const span = clock.now() - start;
    expect(span).toBeGreaterThan(2 * 24 * HOUR);
    expect(span).toBeLessThanOrEqual(3 * 24 * HOUR);
    expect(new Set(receiver.received.map((h) => h.headers["webhook-id"]))).toEqual(new Set(["msg_test1"]));
  });

  it("stops at once on 410 Gone", async () => {
    const key = await createApiKey(storage, box, "k", clock.now());
    receiver = await startWebhookReceiver(() => ({ status: 410 }));
    await queue(key.id, receiver.url);
    await dispatcher().deliverDue();
    expect(await only()).toMatchObject({ status: "failed", attempts: 1, last_error: "HTTP 410" });
  });

  it("does not follow a redirect: it is a failed attempt", async () => {
    const key = await createApiKey(storage, box, "k", clock.now());
    const target = await startWebhookReceiver();
    receiver = await startWebhookReceiver(() => ({ status: 307, headers: { location: target.url } }));
    try {
      await queue(key.id, receiver.url);
      await dispatcher().deliverDue();
      expect(target.received).toHaveLength(0);
      expect(await only()).toMatchObject({ status: "pending", attempts: 1 });
      expect((await only()).last_error).toMatch(/redirect .* not followed/);
    } finally {
      await target.close();
    }
  });

  it("gives up on an attempt that gets no answer within the timeout", async () => {
    const key = await createApiKey(storage, box, "k", clock.now());
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      await queue(key.id, `http://127.0.0.1:${port}/hook`);
      await dispatcher({ timeoutMs: 200 }).deliverDue();
      expect(await only()).toMatchObject({ status: "pending", attempts: 1 });
      expect((await only()).last_error).toMatch(/no answer within 0.2 s/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("sends nothing to a loopback or private address unless allowed", async () => {
    const key = await createApiKey(storage, box, "k", clock.now());
    receiver = await startWebhookReceiver();
    await queue(key.id, receiver.url, "msg_literal");
    await queue(key.id, receiver.url.replace("127.0.0.1", "localhost"), "msg_named");
    await dispatcher({ allowPrivate: false }).deliverDue();
    expect(receiver.received).toHaveLength(0);
    const rows = await storage.listWebhooks("task_1");
    expect(rows.map((r) => r.last_error).sort()).toEqual([
      "127.0.0.1 is not a public address",
      "localhost resolves to no public address",
    ]);
  });
});

describe("webhooks: URLs checked when a task is created", () => {
  it("refuses private, loopback and odd URLs without the flag and takes them with it", async () => {
    for (const url of [
      "http://127.0.0.1:9/x",
      "http://localhost/x",
      "http://10.1.2.3/x",
      "http://192.168.0.1/x",
      "http://169.254.169.254/latest",
      "http://[::1]/x",
      "http://[fd00::1]/x",
    ]) {
      await expect(checkWebhookUrl(url, false), url).rejects.toThrow(/private or loopback/);
    }
    await expect(checkWebhookUrl("ftp://example.com/x", false)).rejects.toThrow(/http or https/);
    await expect(checkWebhookUrl("https://u:p@example.com/x", false)).rejects.toThrow(/user name/);
    await expect(checkWebhookUrl("http://8.8.8.8/x", false)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("http://127.0.0.1:9/x", true)).resolves.toBeInstanceOf(URL);
  });
});
