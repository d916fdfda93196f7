/**
 * Token estimates and a prompt-cache simulation keyed by `prompt_cache_key`.
 *
 * A prompt is a list of text segments (instructions, tools, then one per input item); its text is their
 * concatenation and its size is ceil(chars / 4) tokens. Cached tokens are the longest prefix shared with
 * one of the last few prompts under the same key, rounded down to a multiple of 128, and 0 below 1024.
 */
import { createHash } from "node:crypto";
import type { JsonObject } from "./types.js";

export const CACHE_MIN_TOKENS = 1024;
export const CACHE_BLOCK_TOKENS = 128;

/** Serialises the prompt of a Responses / compact body, or of a Chat Completions body (`messages`). */
export function promptSegments(body: JsonObject): string[] {
  const segments = [stringify(body.instructions), stringify(body.tools)];
  const items = Array.isArray(body.input) ? body.input : Array.isArray(body.messages) ? body.messages : null;
  if (items) for (const item of items) segments.push(stringify(item));
  else segments.push(stringify(body.input));
  return segments;
}

/**
 * Characters an image counts for in estimates: a provider counts an image by its tiles (about 1,500
 * tokens at most, as it scales images), not by the length of its data URL.
 */
export const IMAGE_CHARS = 6_000;

function stringify(value: unknown): string {
  return value === undefined ? "" : (JSON.stringify(value, countImagesByTiles) ?? "");
}

/** An image's data URL stands for IMAGE_CHARS characters, told apart by a digest of its data. */
function countImagesByTiles(key: string, value: unknown): unknown {
  if ((key !== "image_url" && key !== "url") || typeof value !== "string" || !value.startsWith("data:image/"))
    return value;
  const digest = createHash("sha256").update(value).digest("hex").slice(0, 16);
  return `image:${digest}`.padEnd(IMAGE_CHARS, ".");
}

export function estimateTokens(segments: readonly string[]): number {
  let chars = 0;
  for (const segment of segments) chars += segment.length;
  return Math.ceil(chars / 4);
}

export function cachedTokensFor(commonChars: number): number {
  const tokens = Math.floor(commonChars / 4);
  const rounded = tokens - (tokens % CACHE_BLOCK_TOKENS);
  return rounded < CACHE_MIN_TOKENS ? 0 : rounded;
}

/**
 * Length in chars of the common prefix of the concatenations of `a` and `b`. Whole equal segments at
 * the same offset are compared natively, which keeps long shared histories cheap.
 */
export function commonPrefixChars(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  let j = 0;
  let offsetA = 0;
  let offsetB = 0;
  let total = 0;
  while (i < a.length && j < b.length) {
    const segA = a[i]!;
    const segB = b[j]!;
    if (offsetA === 0 && offsetB === 0 && segA === segB) {
      total += segA.length;
      i++;
      j++;
      continue;
    }
    const n = Math.min(segA.length - offsetA, segB.length - offsetB);
    let k = 0;
    while (k < n && segA.charCodeAt(offsetA + k) === segB.charCodeAt(offsetB + k)) k++;
    total += k;
    if (k < n) return total;
    offsetA += k;
    offsetB += k;
    if (offsetA === segA.length) {
      i++;
      offsetA = 0;
    }
    if (offsetB === segB.length) {
      j++;
      offsetB = 0;
    }
  }
  return total;
}

interface Remembered {
  segments: readonly string[];
  chars: number;
}

export class PromptCache {
  readonly #byKey = new Map<string, Remembered[]>();

  constructor(
    private readonly promptsPerKey = 16,
    private readonly maxKeys = 512,
  ) {}

  /** Cached tokens for this prompt under `key`; remembers the prompt for later requests. */
  lookupAndStore(key: unknown, segments: readonly string[]): number {
    if (typeof key !== "string" || key === "") return 0;
    const prompts = this.#byKey.get(key) ?? [];
    let best = 0;
    // Newest first: in an append-only conversation the newest prompt is the whole shared prefix, and
    // older (shorter) prompts cannot beat it, so they are skipped without comparing a single char.
    for (let i = prompts.length - 1; i >= 0; i--) {
      const previous = prompts[i]!;
      if (previous.chars <= best) continue;
      best = Math.max(best, commonPrefixChars(previous.segments, segments));
    }
    prompts.push({ segments, chars: segments.reduce((sum, segment) => sum + segment.length, 0) });
    if (prompts.length > this.promptsPerKey) prompts.shift();
    // Re-insert so the map's order is least recently used first.
    this.#byKey.delete(key);
    this.#byKey.set(key, prompts);
    if (this.#byKey.size > this.maxKeys) {
      const oldest = this.#byKey.keys().next().value;
      if (oldest !== undefined) this.#byKey.delete(oldest);
    }
    return cachedTokensFor(best);
  }
}
