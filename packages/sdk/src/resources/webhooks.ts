import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookVerificationError } from "../errors.js";
import type { Timers } from "../transport.js";
import type { WebhookEvent } from "../types.js";

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** How far a webhook's timestamp may be from now, either way. */
const TOLERANCE_S = 5 * 60;

/** Webhooks signed the Standard Webhooks way with your key's `whsec_` secret. */
export class Webhooks {
  constructor(
    private readonly secret: string | undefined,
    private readonly timers: Timers,
  ) {}

  /**
   * Verifies a webhook (its raw body, exactly as received, and its headers) and returns its
   * event; throws WebhookVerificationError when the signature, the timestamp or the body is wrong.
   */
  unwrap(body: string | Uint8Array, headers: WebhookHeaders, secret = this.secret): WebhookEvent {
    const text = typeof body === "string" ? body : new TextDecoder().decode(body);
    this.verify(text, headers, secret);
    try {
      return JSON.parse(text) as WebhookEvent;
    } catch {
      throw new WebhookVerificationError("the webhook body is not JSON");
    }
  }

  /** Throws unless the body carries a valid signature made at most 5 minutes from now. */
  verify(body: string, headers: WebhookHeaders, secret = this.secret): void {
    if (!secret)
      throw new WebhookVerificationError("no webhook secret: pass one or set webhookSecret on the client");
    const id = header(headers, "webhook-id");
    const timestamp = header(headers, "webhook-timestamp");
    const signatures = header(headers, "webhook-signature");
    if (!id || !timestamp || !signatures)
      throw new WebhookVerificationError("webhook-id, webhook-timestamp and webhook-signature are required");
    const sentS = Number(timestamp);
    if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError("webhook-timestamp is not a number");
    const nowS = Math.floor(this.timers.now() / 1000);
    if (nowS - sentS > TOLERANCE_S) throw new WebhookVerificationError("the webhook is too old");
    if (sentS - nowS > TOLERANCE_S)
      throw new WebhookVerificationError("the webhook's timestamp is in the future");
    const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
    const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
    for (const entry of signatures.split(" ")) {
      const [version, signature] = entry.split(",", 2);
      if (version !== "v1" || !signature) continue;
      const given = Buffer.from(signature, "base64");
      if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    }
    throw new WebhookVerificationError("no matching signature: wrong secret, or the body was changed");
  }
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : found;
}
