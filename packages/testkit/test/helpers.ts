/** Test helpers: talk to the fake server with fetch and parse what comes back. */
import type { FakeModelServer, JsonObject } from "../src/index.js";

export interface SseEvent {
  event: string | null;
  data: string;
}

/** Splits an SSE body into events (`event:` + joined `data:` lines). */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of body.split("\n\n")) {
    if (block.trim() === "") continue;
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    events.push({ event, data: data.join("\n") });
  }
  return events;
}

/** JSON payloads of an SSE body; checks that `event:` equals the payload's `type` when present. */
export function sseJson(body: string): JsonObject[] {
  return parseSse(body)
    .filter((e) => e.data !== "[DONE]")
    .map((e) => {
      const json = JSON.parse(e.data);
      if (e.event !== null && e.event !== json.type)
        throw new Error(`event ${e.event} carries type ${json.type}`);
      return json;
    });
}

export function post(
  server: FakeModelServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
}

export function userItem(text: string) {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/** A Responses body as Codex sends it (streaming). */
export function responsesBody(input: unknown[], extra: Record<string, unknown> = {}) {
  return { model: "gpt-5.1-codex", instructions: "be brief", input, tools: [], stream: true, ...extra };
}

/** Reads a streamed body chunk by chunk until `until` holds for the text so far; returns the text and the reader. */
export async function readUntil(response: Response, until: (text: string) => boolean) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return { text, reader };
}

export async function jsonOf(response: Response | Promise<Response>): Promise<JsonObject> {
  return (await (await response).json()) as JsonObject;
}
