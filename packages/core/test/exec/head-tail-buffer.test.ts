import { describe, expect, it } from "vitest";
import { HeadTailBuffer } from "../../src/exec/head-tail-buffer.js";

describe("HeadTailBuffer", () => {
  it("keeps everything that fits", () => {
    const buffer = new HeadTailBuffer(10);
    buffer.write(Buffer.from("abc"));
    buffer.write(Buffer.from("defghij"));
    expect(buffer.toString()).toBe("abcdefghij");
    expect(buffer.droppedBytes).toBe(0);
  });

  it("keeps head and tail and counts the rest", () => {
    const buffer = new HeadTailBuffer(8);
    for (const ch of "0123456789abcdefghij") buffer.write(Buffer.from(ch));
    expect(buffer.totalBytes).toBe(20);
    expect(buffer.droppedBytes).toBe(12);
    expect(buffer.toString()).toBe("0123\n[... 12 bytes of output omitted ...]\nghij");
  });

  it("handles chunks larger than the whole buffer", () => {
    const buffer = new HeadTailBuffer(6);
    buffer.write(Buffer.from("abcdefghijklmnop"));
    buffer.write(Buffer.from("XY"));
    expect(buffer.toString()).toBe("abc\n[... 12 bytes of output omitted ...]\npXY");
  });

  it("does not cut characters in half", () => {
    const buffer = new HeadTailBuffer(8);
    // Head: 4 bytes end inside "é"; tail: 4 bytes start inside "€".
    buffer.write(Buffer.from(`aaaé${"-".repeat(20)}€bb`));
    const text = buffer.toString();
    expect(text).not.toContain("\uFFFD");
    expect(text).toBe("aaa\n[... 25 bytes of output omitted ...]\nbb");
  });

  it("keeps the same bytes while its head grows chunk by chunk past its first sizes", () => {
    const capacity = 40_000;
    const buffer = new HeadTailBuffer(capacity);
    let all = "";
    for (let i = 0; all.length < 100_000; i++) {
      const chunk = `line ${i} ${"x".repeat(i % 97)}\n`;
      all += chunk;
      buffer.write(Buffer.from(chunk));
      if (all.length <= capacity) expect(buffer.toString()).toBe(all);
    }
    const omitted = all.length - capacity;
    expect(buffer.toString()).toBe(
      `${all.slice(0, capacity / 2)}\n[... ${omitted} bytes of output omitted ...]\n${all.slice(-capacity / 2)}`,
    );
  });
});
