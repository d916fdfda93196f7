import type { RequestOptions } from "../transport.js";

export type IdempotentOptions = RequestOptions & {
  /**
   * The server answers a repeat of a request with this key with the first answer. Without one,
   * the SDK makes a key per call, so its own retries never create twice.
   */
  idempotencyKey?: string;
};

export function idempotencyHeaders({ idempotencyKey, ...options }: IdempotentOptions): RequestOptions {
  return {
    ...options,
    headers: { ...options.headers, "idempotency-key": idempotencyKey ?? `sdk-${crypto.randomUUID()}` },
  };
}
