import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { Nightshift, WebhookVerificationError } from "../src/index.js";
import { manualTimers } from "./helpers/manual-timers.js";

const secret = `whsec_${randomBytes(32).toString("base64")}`;
const body = JSON.stringify({
  type: "agent_task.completed",
  timestamp: "2026-01-01T00:00:00.000Z",
  data: { id: "task_1", status: "completed" },
});

/** Headers as the reference library signs them, at `at` (ms). */
function signed(payload: string, at: number, id = "msg_1", key = secret) {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at / 1000)),
    "webhook-signature": new Webhook(key).sign(id, new Date(at), payload),
  };
}

function client(timers = manualTimers()) {
  return new Nightshift({ apiKey: "nsk_unused", webhookSecret: secret, timers, env: {} });
}

describe("webhooks.unwrap against the standardwebhooks reference library", () => {
  it("accepts what the library signs, as a Headers object or a plain record, and returns the event", () => {
    const timers = manualTimers();
    const headers = signed(body, timers.now());
    const event = client(timers).webhooks.unwrap(body, headers);
    expect(event).toEqual(JSON.parse(body));
    expect(client(timers).webhooks.unwrap(Buffer.from(body), new Headers(headers)).data.id).toBe("task_1");
    // One good signature among others (secret rotation) is enough.
    const rotated = {
      ...headers,
      "webhook-signature": `v1,${Buffer.alloc(32).toString("base64")} ${headers["webhook-signature"]}`,
    };
    expect(client(timers).webhooks.unwrap(body, rotated).type).toBe("agent_task.completed");
  });

  it("refuses a changed body, a wrong secret, stale or future timestamps and missing headers, as the library does", () => {
    const timers = manualTimers();
    const now = timers.now();
    const other = `whsec_${randomBytes(32).toString("base64")}`;
    const cases: { name: string; payload: string; headers: Record<string, string> }[] = [
      { name: "changed body", payload: body.replace("completed", "failed"), headers: signed(body, now) },
      { name: "wrong secret", payload: body, headers: signed(body, now, "msg_1", other) },
      { name: "too old", payload: body, headers: signed(body, now - 6 * 60_000) },
      { name: "in the future", payload: body, headers: signed(body, now + 6 * 60_000) },
      { name: "changed id", payload: body, headers: { ...signed(body, now), "webhook-id": "msg_2" } },
      {
        name: "no signature",
        payload: body,
        headers: { "webhook-id": "m", "webhook-timestamp": String(now / 1000) },
      },
    ];
    for (const c of cases) {
      expect(() => client(timers).webhooks.unwrap(c.payload, c.headers), c.name).toThrow(
        WebhookVerificationError,
      );
    }
    // The library agrees on every case (it reads the real clock, so re-sign at the real now).
    const realNow = Date.now();
    const real = new Webhook(secret);
    expect(() => real.verify(body.replace("completed", "failed"), signed(body, realNow))).toThrow();
    expect(() => real.verify(body, signed(body, realNow - 6 * 60_000))).toThrow();
    expect(() => real.verify(body, signed(body, realNow, "msg_1", other))).toThrow();
    expect(real.verify(body, signed(body, realNow))).toEqual(JSON.parse(body));
    expect(
      client({ ...manualTimers(), now: () => realNow, sleeps: [], advance() {} }).webhooks.unwrap(
        body,
        signed(body, realNow),
      ),
    ).toEqual(JSON.parse(body));
  });

  it("asks for a secret when it has none, and takes one per call", () => {
    const timers = manualTimers();
    const bare = new Nightshift({ apiKey: "nsk_unused", timers, env: {} });
    expect(() => bare.webhooks.unwrap(body, signed(body, timers.now()))).toThrow(/webhook secret/);
    expect(bare.webhooks.unwrap(body, signed(body, timers.now()), secret).data.status).toBe("completed");
  });
});
