import fs from "node:fs";
import path from "node:path";
import { scenario } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, type RunResult, startHarness } from "./harness.js";
import {
  CODEX_FIXTURE,
  type PlainSseServer,
  plainServerConfig,
  startPlainSseServer,
} from "./plain-sse-server.js";

let h: Harness;
let plain: PlainSseServer;
afterEach(async () => {
  await plain?.close();
  await h?.close();
});

/** Runs `exec` against a plain server answering with `answers` (one list of chunks per request). */
async function execAgainst(
  answers: Buffer[][],
  args: string[] = ["exec", "--json", "say hello"],
  wireApi: "responses" | "chat" = "responses",
) {
  plain = await startPlainSseServer(answers);
  h = await startHarness(scenario());
  fs.writeFileSync(path.join(h.home, "config.toml"), plainServerConfig(plain.url, wireApi));
  return h.run(args);
}

const agentMessages = (result: RunResult) =>
  h
    .jsonEvents(result)
    .filter((e) => e.type === "item.completed" && e.item.type === "agent_message")
    .map((e) => e.item.text);

const text = CODEX_FIXTURE.toString("utf8");
const bytes = (value: string) => Buffer.from(value, "utf8");
const lastEvent = text.lastIndexOf("event: response.completed");

describe("exec reads streams the way Codex does", () => {
  it("takes Codex's own test stream, byte for byte: one request, one answer, exit 0", async () => {
    const result = await execAgainst([[CODEX_FIXTURE]]);
    expect(result.code).toBe(0);
    expect(plain.requests).toHaveLength(1);
    expect(agentMessages(result)).toEqual(["fixture hello"]);
    expect(h.jsonEvents(result).at(-1).type).toBe("turn.completed");
  });

  it("prints the answer once and accounts the missing usage by estimate", async () => {
    const result = await execAgainst([[CODEX_FIXTURE]], ["exec", "say hello"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("fixture hello\n");
    expect(result.stderr).toMatch(/· 1 request \(1 estimated\)/);
    expect(result.stderr).not.toMatch(/error|reconnecting/i);
  });

  const variants: [string, Buffer[]][] = [
    ["with \\r\\n line ends", [bytes(text.replaceAll("\n", "\r\n"))]],
    [
      "with its final event split across chunks",
      [bytes(text.slice(0, lastEvent + 40)), bytes(text.slice(lastEvent + 40, -3)), bytes(text.slice(-3))],
    ],
    [
      "with comment lines",
      [bytes(`: proxy keep-alive\n\n${text.slice(0, lastEvent)}: ping\n${text.slice(lastEvent)}`)],
    ],
  ];
  for (const [name, chunks] of variants) {
    it(`takes the stream ${name}: one request, one answer, exit 0`, async () => {
      const result = await execAgainst([chunks]);
      expect(result.code).toBe(0);
      expect(plain.requests).toHaveLength(1);
      expect(agentMessages(result)).toEqual(["fixture hello"]);
    });
  }

  it("retries a stream cut inside the answer's JSON payload, then shows the answer once", async () => {
    const cut = text.indexOf("fixture hello");
    const result = await execAgainst([[bytes(text.slice(0, cut))], [CODEX_FIXTURE]]);
    expect(result.code).toBe(0);
    expect(plain.requests).toHaveLength(2);
    expect(agentMessages(result)).toEqual(["fixture hello"]);
    // Nothing was completed before the cut: the retry is the same request.
    expect(plain.requests[1]).toEqual(plain.requests[0]);
  });

  it("retries a stream cut inside the last event's JSON, without a second copy of the answer anywhere", async () => {
    const cut = text.indexOf('"output":[]');
    const result = await execAgainst([[bytes(`${text.slice(0, cut)}\n`)], [CODEX_FIXTURE]]);
    expect(result.code).toBe(0);
    expect(plain.requests).toHaveLength(2);
    expect(agentMessages(result)).toEqual(["fixture hello"]);
    // Codex's rule: the completed answer of the failed attempt stays in history, so the retry
    // carries it; the retry's identical answer is a repeat, neither shown nor recorded again.
    const answers = (input: { type: string; role?: string }[]) =>
      input.filter((item) => item.type === "message" && item.role === "assistant").length;
    expect(answers(plain.requests[1].input)).toBe(1);
    const next = await h.run(["exec", "--json", "resume", "--last", "and again"]);
    expect(next.code).toBe(0);
    expect(plain.requests).toHaveLength(3);
    const resumed = plain.requests[2].input;
    expect(answers(resumed)).toBe(1);
    expect(resumed.at(-1).content[0].text).toBe("and again");
  });
});

describe("exec reads Chat Completions streams the same way", () => {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n`;
  // Ends after the finish chunk, without its blank line, without [DONE] and without usage.
  const stream = `${chunk({ role: "assistant", content: "chat " })}\n${chunk({ content: "hello" })}\n${chunk({}, "stop")}`;

  it("takes a stream without the final blank line: one request, one answer, exit 0", async () => {
    const result = await execAgainst([[bytes(stream)]], ["exec", "--json", "say hello"], "chat");
    expect(result.code).toBe(0);
    expect(plain.requests).toHaveLength(1);
    expect(agentMessages(result)).toEqual(["chat hello"]);
  });

  it("retries a stream cut inside a JSON payload", async () => {
    const cut = stream.indexOf('"hello"') + 3;
    const answers = [[bytes(`${stream.slice(0, cut)}\n`)], [bytes(stream)]];
    const result = await execAgainst(answers, ["exec", "--json", "say hello"], "chat");
    expect(result.code).toBe(0);
    expect(plain.requests).toHaveLength(2);
    expect(agentMessages(result)).toEqual(["chat hello"]);
  });
});

describe("exec with a prompt argument and piped stdin", () => {
  it("says it is reading stdin while the pipe stays open, then uses what arrives", async () => {
    plain = await startPlainSseServer([[CODEX_FIXTURE]]);
    h = await startHarness(scenario());
    fs.writeFileSync(path.join(h.home, "config.toml"), plainServerConfig(plain.url));
    const child = h.spawn(["exec", "summarise this"]);
    let stderr = "";
    let stdout = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) =>
      child.stderr!.on("data", (chunk) => {
        stderr += chunk;
        if (stderr.includes("Reading additional input from stdin...")) resolve();
      }),
    );
    expect(plain.requests).toHaveLength(0);
    child.stdin!.end("piped notes\n");
    expect(await closed).toBe(0);
    expect(stdout).toBe("fixture hello\n");
    const prompt = plain.requests[0].input.at(-1).content[0].text;
    expect(prompt).toBe("summarise this\n\n<stdin>\npiped notes\n</stdin>");
  });
});
