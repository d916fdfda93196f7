export type ContentSegment = { kind: "text" | "reasoning"; text: string };

const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Splits streamed `content` into reasoning and text for models that think inside
 * `<think>…</think>` (DeepSeek-R1 style) on servers that do not separate it. A block is recognised
 * only at the very start of the content (after whitespace), so an answer that merely mentions the
 * tag is left alone. Tags may straddle chunks: an incomplete tag is held back until the next one.
 * Whitespace right after either tag is dropped.
 */
export class ThinkTagSplitter {
  #state: "start" | "thinking" | "text" = "start";
  #pending = "";
  #trimNext = false;

  push(chunk: string): ContentSegment[] {
    const out: ContentSegment[] = [];
    let buf = this.#pending + chunk;
    this.#pending = "";
    while (buf !== "") {
      if (this.#state === "text") {
        this.#emit(out, "text", buf);
        break;
      }
      if (this.#state === "start") {
        const trimmed = buf.trimStart();
        if (trimmed.startsWith(OPEN)) {
          this.#state = "thinking";
          this.#trimNext = true;
          buf = trimmed.slice(OPEN.length);
          continue;
        }
        if (OPEN.startsWith(trimmed)) {
          this.#pending = buf; // whitespace and maybe the start of the tag: wait for more
          break;
        }
        this.#state = "text";
        continue;
      }
      const close = buf.indexOf(CLOSE);
      if (close >= 0) {
        this.#emit(out, "reasoning", buf.slice(0, close));
        this.#state = "text";
        this.#trimNext = true;
        buf = buf.slice(close + CLOSE.length);
        continue;
      }
      const keep = partialSuffix(buf, CLOSE);
      this.#emit(out, "reasoning", buf.slice(0, buf.length - keep));
      this.#pending = buf.slice(buf.length - keep);
      break;
    }
    return out;
  }

  /** What was held back, at the end of the stream (an unclosed block counts as reasoning). */
  flush(): ContentSegment[] {
    const out: ContentSegment[] = [];
    const rest = this.#pending;
    this.#pending = "";
    if (rest !== "") this.#emit(out, this.#state === "thinking" ? "reasoning" : "text", rest);
    return out;
  }

  #emit(out: ContentSegment[], kind: ContentSegment["kind"], raw: string): void {
    let text = raw;
    if (this.#trimNext) {
      text = text.trimStart();
      if (text === "") return;
      this.#trimNext = false;
    }
    if (text !== "") out.push({ kind, text });
  }
}

/** Length of the longest proper prefix of `tag` that `text` ends with. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
