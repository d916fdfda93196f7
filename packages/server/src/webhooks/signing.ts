import { createHmac } from "node:crypto";

/** Standard Webhooks headers for one attempt: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signWebhook(
  secret: string,
  id: string,
  timestampS: number,
  body: string,
): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestampS}.${body}`).digest("base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampS),
    "webhook-signature": `v1,${signature}`,
  };
}

/** The thin event a task's ending sends. */
export function webhookPayload(type: string, taskId: string, status: string, at: number): string {
  return JSON.stringify({ type, timestamp: new Date(at).toISOString(), data: { id: taskId, status } });
}
