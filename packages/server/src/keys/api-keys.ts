import { createHash, randomBytes } from "node:crypto";
import type { SecretBox } from "../storage/secrets.js";
import type { ApiKeyRow, StorageOps } from "../storage/types.js";
import { newId } from "../util/ids.js";

export type CreatedKey = { id: string; name: string; api_key: string; webhook_secret: string };

export function hashApiKey(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex");
}

/** A new API key and its webhook secret: shown once; only the key's hash is stored. */
export async function createApiKey(
  storage: StorageOps,
  box: SecretBox,
  name: string,
  now: number,
): Promise<CreatedKey> {
  const apiKey = `nsk_${randomBytes(32).toString("base64url")}`;
  const webhookSecret = `whsec_${randomBytes(32).toString("base64")}`;
  const row: ApiKeyRow = {
    id: newId("key"),
    name,
    hash: hashApiKey(apiKey),
    prefix: apiKey.slice(0, 10),
    webhook_secret_sealed: box.seal(webhookSecret),
    created_at: now,
    revoked_at: null,
  };
  await storage.insertApiKey(row);
  return { id: row.id, name, api_key: apiKey, webhook_secret: webhookSecret };
}

/** The live key a bearer token stands for, or null (unknown or revoked). */
export async function authenticate(storage: StorageOps, token: string): Promise<ApiKeyRow | null> {
  if (!token.startsWith("nsk_") || token.length > 200) return null;
  const row = await storage.findApiKeyByHash(hashApiKey(token));
  return row && row.revoked_at === null ? row : null;
}
