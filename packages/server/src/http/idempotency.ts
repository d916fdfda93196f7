import { createHash } from "node:crypto";
import { badRequest, conflict } from "../api/errors.js";
import type { StorageOps } from "../storage/types.js";
import type { AppDeps, Ctx } from "./deps.js";

export type Created = { status: number; body: unknown; replayed?: boolean };

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/**
 * Runs `create` in a transaction; with an Idempotency-Key, the key and the response are stored in
 * the same transaction, so a repeat gets the first response (and a different request under the
 * same key is refused).
 */
export async function idempotent(
  c: Ctx,
  deps: AppDeps,
  rawBody: string,
  create: (tx: StorageOps) => Promise<Created>,
): Promise<Created> {
  const key = c.req.header("idempotency-key");
  const owner = c.get("key").id;
  if (key === undefined) return deps.storage.transaction(create);
  if (key.length === 0 || key.length > 255) throw badRequest("Idempotency-Key must be 1 to 255 characters");
  const requestHash = createHash("sha256").update(`${c.req.method} ${c.req.path}\n${rawBody}`).digest("hex");
  return deps.storage.transaction(async (tx) => {
    const existing = await tx.getIdempotency(owner, key);
    if (existing && existing.created_at > deps.clock.now() - IDEMPOTENCY_TTL_MS) {
      if (existing.request_hash !== requestHash) {
        throw conflict(`the Idempotency-Key ${JSON.stringify(key)} was used with a different request`);
      }
      return { status: existing.status_code, body: JSON.parse(existing.response), replayed: true };
    }
    const created = await create(tx);
    if (existing) await tx.deleteIdempotencyBefore(deps.clock.now() - IDEMPOTENCY_TTL_MS);
    await tx.putIdempotency({
      owner,
      key,
      request_hash: requestHash,
      status_code: created.status,
      response: JSON.stringify(created.body),
      created_at: deps.clock.now(),
    });
    return created;
  });
}

export function send(c: Ctx, created: Created): Response {
  if (created.replayed) c.header("Idempotent-Replayed", "true");
  return c.json(created.body as object, created.status as 200);
}
