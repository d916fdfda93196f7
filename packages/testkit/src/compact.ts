/** `POST /v1/responses/compact`: keeps real user messages, folds everything else into one compaction item. */
import { createHash } from "node:crypto";
import type { JsonObject } from "./types.js";

function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function textParts(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part) => (isRecord(part) && typeof part.text === "string" ? [part.text] : []));
}

/**
 * A user message typed by the user, as opposed to context the client injects (`<environment_context>`,
 * `# AGENTS.md instructions ...`): those are wrappers whose every text part starts with `<` or that header.
 */
export function isRealUserMessage(item: unknown): boolean {
  if (!isRecord(item) || (item.type !== undefined && item.type !== "message") || item.role !== "user")
    return false;
  const texts = textParts(item.content);
  if (texts.length === 0) return true;
  return !texts.every((text) => {
    const start = text.trimStart();
    return start.startsWith("<") || start.startsWith("# AGENTS.md instructions");
  });
}

/** The opaque, deterministic `encrypted_content` of a compaction item. */
export function compactionBlob(replaced: readonly unknown[], kept: number): string {
  const digest = createHash("sha256").update(JSON.stringify(replaced)).digest("hex").slice(0, 16);
  const payload = JSON.stringify({ fake: "nightshift-testkit", replaced: replaced.length, kept, digest });
  return `enc:${Buffer.from(payload, "utf8").toString("base64")}`;
}

/** Default compaction output for an input history. */
export function defaultCompaction(input: readonly unknown[]): JsonObject[] {
  const kept: JsonObject[] = [];
  const replaced: unknown[] = [];
  for (const item of input) {
    if (isRealUserMessage(item)) kept.push(item as JsonObject);
    else replaced.push(item);
  }
  return [...kept, { type: "compaction", encrypted_content: compactionBlob(replaced, kept.length) }];
}

/** Decodes a blob made by `compactionBlob` (for tests); null for anything else. */
export function decodeCompactionBlob(
  blob: string,
): { replaced: number; kept: number; digest: string } | null {
  if (!blob.startsWith("enc:")) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(blob.slice(4), "base64").toString("utf8"));
    if (!isRecord(parsed) || parsed.fake !== "nightshift-testkit") return null;
    return { replaced: parsed.replaced, kept: parsed.kept, digest: parsed.digest };
  } catch {
    return null;
  }
}
