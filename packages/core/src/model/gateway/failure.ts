import type { ModelError } from "../errors.js";
import { retryBudget } from "../retry.js";

/** What the gateway does about a failed request. */
export type FailureVerdict =
  /** Let the turn loop retry on the same model (its retry budget is not spent). */
  | { action: "retry" }
  /** The server refused the reasoning parameters: send the request again without them. */
  | { action: "drop_reasoning" }
  /** The server cannot read an opaque item (encrypted reasoning, a compaction) of another origin. */
  | { action: "drop_opaque_items" }
  /**
   * Go on with the next model: `model` — this model cannot answer (it does not exist there);
   * `provider` — the provider is down, out of quota or refuses us (its circuit opens).
   */
  | { action: "hand_over"; scope: "model" | "provider" }
  /** Nothing another model would fix (the request itself, the context, an abort): fail as before. */
  | { action: "fail" };

export type FailureContext = {
  /** The request carried reasoning parameters. */
  hadReasoning: boolean;
  /** Failures in a row on this model that count against the retry budget, this one included. */
  failuresInRow: number;
  /** The failed response had already delivered items (they are in history; tools may have run). */
  committed: boolean;
  /** The provider is on trial after resting (its circuit half-open): one failure is enough. */
  onTrial?: boolean;
  limits: { requestMaxRetries: number; streamMaxRetries: number };
};

const PROVIDER_UNUSABLE = new Set([
  "unauthorized",
  "quota_exceeded",
  "usage_limit_reached",
  "server_overloaded",
]);

/** Whether a failure counts against the retry budget of the model (a cut-off answer does not). */
export function countsAsFailure(error: ModelError): boolean {
  return error.retryable && error.kind !== "incomplete";
}

/**
 * Decides between retrying, handing over and failing. A retryable failure hands over once the
 * session's retry budget for its kind is spent — on the attempt the turn loop would have given
 * up on, or, when the response had already delivered items (which the same call cannot take
 * back), one attempt earlier, so that the turn loop's last retry goes to the next model. A
 * provider on trial after its rest gets no retries: it failed again, it rests again.
 */
export function judgeFailure(error: ModelError, context: FailureContext): FailureVerdict {
  if (error.kind === "aborted") return { action: "fail" };
  if (isOpaqueItemRefusal(error)) return { action: "drop_opaque_items" };
  if (isReasoningRefusal(error) && context.hadReasoning) return { action: "drop_reasoning" };
  if (isModelMissing(error)) return { action: "hand_over", scope: "model" };
  if (PROVIDER_UNUSABLE.has(error.kind)) return { action: "hand_over", scope: "provider" };
  if (!countsAsFailure(error)) return error.retryable ? { action: "retry" } : { action: "fail" };
  if (context.onTrial) return { action: "hand_over", scope: "provider" };
  const budget = retryBudget(error, context.limits);
  const spent = context.committed ? context.failuresInRow >= budget : context.failuresInRow > budget;
  return spent ? { action: "hand_over", scope: "provider" } : { action: "retry" };
}

/** A 400 about the reasoning parameters (`reasoning.effort`, `reasoning.summary`, the encrypted-reasoning include). */
export function isReasoningRefusal(error: ModelError): boolean {
  return error.kind === "invalid_request" && error.status === 400 && /\breasoning\b/i.test(error.message);
}

/** A 400 about an input item's encrypted content, which only the provider that wrote it can read. */
export function isOpaqueItemRefusal(error: ModelError): boolean {
  return (
    error.kind === "invalid_request" &&
    error.status === 400 &&
    (error.code === "invalid_encrypted_content" ||
      /encrypted content|could not be (verified|decrypted)/i.test(error.message))
  );
}

/** The model does not exist on this provider (or this key may not use it). */
export function isModelMissing(error: ModelError): boolean {
  if (error.kind !== "invalid_request") return false;
  return (
    error.status === 404 ||
    error.code === "model_not_found" ||
    /\bmodel\b[^.]*\b(does not exist|not found)\b/i.test(error.message)
  );
}
