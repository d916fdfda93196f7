import { afterEach, describe, expect, it } from "vitest";
import { PromptCache } from "../src/cache.js";
import {
  cachedTokensFor,
  commonPrefixChars,
  type FakeModelServer,
  functionCall,
  promptSegments,
  reply,
  startFakeModelServer,
  text,
} from "../src/index.js";
import { post, responsesBody, sseJson, userItem } from "./helpers.js";

let server: FakeModelServer;
afterEach(async () => {
  await server?.close();
});

function naivePrefix(a: string[], b: string[]): number {
  const x = a.join("");
  const y = b.join("");
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

async function usageOf(body: unknown) {
  const events = sseJson(await (await post(server, "/v1/responses", body)).text());
  return events.at(-1)!.response.usage;
}

describe("prefix maths", () => {
  it("matches a naive common prefix, including segments that do not line up", () => {
    const cases: [string[], string[]][] = [
      [
        ["abc", "def"],
        ["abc", "def"],
      ],
      [
        ["abc", "def"],
        ["abc", "dxf"],
      ],
      [
        ["ab", "cdef"],
        ["abcd", "ef"],
      ],
      [
        ["", "abc"],
        ["abc", ""],
      ],
      [["abc"], ["abcdef"]],
      [[], ["a"]],
      [
        ["same", "x", "long tail"],
        ["same", "x", "long tale"],
      ],
    ];
    for (const [a, b] of cases) {
      expect(commonPrefixChars(a, b)).toBe(naivePrefix(a, b));
      expect(commonPrefixChars(b, a)).toBe(naivePrefix(a, b));
    }
  });

  it("rounds cached tokens down to 128 and ignores prefixes under 1024 tokens", () => {
    expect(cachedTokensFor(4 * 1023)).toBe(0);
    expect(cachedTokensFor(4 * 1024)).toBe(1024);
    expect(cachedTokensFor(4 * 1151 + 3)).toBe(1024);
    expect(cachedTokensFor(4 * 1152)).toBe(1152);
    expect(cachedTokensFor(20_000)).toBe(4992);
  });

  it("forgets prompts beyond the most recent few per key", () => {
    const cache = new PromptCache(2);
    const big = (tag: string) => [tag.repeat(8000)];
    expect(cache.lookupAndStore("k", big("a"))).toBe(0);
    cache.lookupAndStore("k", big("b"));
    cache.lookupAndStore("k", big("c"));
    expect(cache.lookupAndStore("k", big("a"))).toBe(0);
    expect(cache.lookupAndStore("k", big("c"))).toBe(1920);
  });

  it("stays fast over a 2,000-prompt session with a large shared history", () => {
    const cache = new PromptCache();
    const input: unknown[] = [userItem("x".repeat(40_000))];
    let lookupMs = 0;
    let cached = 0;
    for (let turn = 0; turn < 2000; turn++) {
      input.push({ type: "function_call_output", call_id: `c${turn}`, output: "y".repeat(200) });
      // Fresh strings every turn, as when each request body is parsed anew.
      const segments = promptSegments({ instructions: "i", tools: [], input });
      const started = performance.now();
      cached = cache.lookupAndStore("session", segments);
      lookupMs += performance.now() - started;
    }
    expect(cached).toBeGreaterThan(100_000);
    // Comparing against all 16 remembered prompts in full takes well over a second here.
    expect(lookupMs).toBeLessThan(1000);
  });
});

describe("cached_tokens in responses", () => {
  const prefix = [userItem("p".repeat(19_950))];

  it("reports the shared 5000-token prefix of a second request under the same key", async () => {
    server = await startFakeModelServer({
      scenario: { steps: [reply(functionCall("shell", { command: ["ls"] })), reply(text("done"))] },
    });
    const first = responsesBody(prefix, { prompt_cache_key: "thread-1" });
    const firstChars = promptSegments(first).join("").length;
    expect(Math.floor(firstChars / 4)).toBeGreaterThanOrEqual(5000);
    const firstUsage = await usageOf(first);
    expect(firstUsage.input_tokens_details.cached_tokens).toBe(0);
    expect(firstUsage.input_tokens).toBe(Math.ceil(firstChars / 4));

    const second = responsesBody(
      [...prefix, { type: "function_call_output", call_id: "call_1", output: "file.txt" }],
      { prompt_cache_key: "thread-1" },
    );
    const secondUsage = await usageOf(second);
    const shared = Math.floor(firstChars / 4);
    expect(secondUsage.input_tokens_details.cached_tokens).toBe(shared - (shared % 128));
    expect(secondUsage.input_tokens_details.cached_tokens).toBe(4992);
  });

  it("caches nothing without a key, across keys, or when the prompt changes early", async () => {
    server = await startFakeModelServer({ scenario: { steps: [{ ...reply(text("ok")), times: 5 }] } });
    await usageOf(responsesBody(prefix));
    expect((await usageOf(responsesBody(prefix))).input_tokens_details.cached_tokens).toBe(0);
    await usageOf(responsesBody(prefix, { prompt_cache_key: "a" }));
    expect(
      (await usageOf(responsesBody(prefix, { prompt_cache_key: "b" }))).input_tokens_details.cached_tokens,
    ).toBe(0);
    const changedInstructions = responsesBody(prefix, { prompt_cache_key: "a", instructions: "be verbose" });
    expect((await usageOf(changedInstructions)).input_tokens_details.cached_tokens).toBe(0);
  });

  it("counts a prefix that ends inside an item", async () => {
    server = await startFakeModelServer({ scenario: { steps: [{ ...reply(text("ok")), times: 2 }] } });
    await usageOf(responsesBody([userItem(`${"q".repeat(8000)}AAAA`)], { prompt_cache_key: "k" }));
    const usage = await usageOf(
      responsesBody([userItem(`${"q".repeat(8000)}BBBB`)], { prompt_cache_key: "k" }),
    );
    const sharedChars = promptSegments(responsesBody([userItem(`${"q".repeat(8000)}AAAA`)]))
      .join("")
      .indexOf("AAAA");
    expect(usage.input_tokens_details.cached_tokens).toBe(cachedTokensFor(sharedChars));
    expect(usage.input_tokens_details.cached_tokens).toBe(1920);
  });
});

describe("images in estimates", () => {
  const withImage = (data: string) =>
    promptSegments({
      input: [
        {
          type: "message",
          role: "user",
          content: [{ type: "input_image", image_url: `data:image/png;base64,${data}` }],
        },
      ],
    });

  it("counts an image's data URL as a fixed size, whatever its length, and tells images apart", () => {
    const small = withImage("AAAA");
    const large = withImage("A".repeat(1_000_000));
    expect(small.join("").length).toBe(large.join("").length);
    expect(small.join("").length).toBeLessThan(7_000);
    expect(small).not.toEqual(large);
    expect(withImage("AAAA")).toEqual(small);
  });
});
