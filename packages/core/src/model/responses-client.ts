import type { Clock } from "../util/clock.js";
import type { ModelClient, ModelRequest, ModelStreamEvent } from "./client.js";
import { classifyFailedResponse, classifyHttpError, ModelError } from "./errors.js";
import type { HttpTransport } from "./http-transport.js";
import { type ResponseItem, type Usage, ZERO_USAGE } from "./items.js";
import { postToModel, readBounded } from "./model-http.js";
import { normalizeOutputItem } from "./normalize.js";
import type { ProviderInfo } from "./provider.js";
import { buildCompactBody, buildResponsesBody } from "./responses-body.js";
import { parseEventJson, readSse, type SseEvent } from "./sse.js";
import { estimateUsage, outputChars } from "./usage-estimate.js";

export type HttpDeps = {
  transport: HttpTransport;
  now: () => number;
  /** Times idle and header timeouts (default: the system's). */
  clock?: Clock;
  /** Headers every request carries (originator, version). */
  userAgentHeaders: Record<string, string>;
};

type Raw = Record<string, unknown>;

/** A client for OpenAI's Responses API (and compatible servers), streaming over SSE. */
export function createResponsesClient(provider: ProviderInfo, deps: HttpDeps): ModelClient {
  const headersFor = (request: ModelRequest, accept: string): Record<string, string> => ({
    "content-type": "application/json",
    accept,
    ...deps.userAgentHeaders,
    ...(provider.apiKey ? { authorization: `Bearer ${provider.apiKey}` } : {}),
    session_id: request.sessionId,
    "x-client-request-id": request.sessionId,
    ...provider.headers,
  });

  return {
    async *stream(request, signal) {
      const body = buildResponsesBody(request, { store: provider.isAzure });
      const headers = headersFor(request, "text/event-stream");
      const connection = await postToModel(
        provider,
        deps,
        { path: "/responses", body, headers },
        signal,
        classifyHttpError,
      );
      let finished = false;
      try {
        yield* parseResponsesStream(
          readSse(connection.response.body, {
            idleTimeoutMs: provider.streamIdleTimeoutMs,
            signal,
            clock: deps.clock,
          }),
          { requestBytes: Buffer.byteLength(body) },
        );
        finished = true;
      } finally {
        // An abandoned stream (idle timeout, malformed event, consumer gone) must close its socket.
        connection.release(finished);
      }
    },

    async compact(request, signal) {
      const connection = await postToModel(
        provider,
        deps,
        {
          path: "/responses/compact",
          body: buildCompactBody(request),
          headers: headersFor(request, "application/json"),
        },
        signal,
        classifyHttpError,
        { timeoutCoversBody: true },
      );
      let text: string;
      try {
        text = await readBounded(connection.response.body);
        connection.release(true);
      } catch (err) {
        throw connection.bodyError(err);
      }
      let json: { output?: Raw[]; usage?: Raw };
      try {
        json = JSON.parse(text) as { output?: Raw[]; usage?: Raw };
      } catch (err) {
        throw new ModelError(
          "malformed_event",
          `the compaction endpoint returned invalid JSON: ${(err as Error).message}`,
        );
      }
      const output = (json.output ?? [])
        .map((raw) => (raw.type === "message" ? normalizeInputMessage(raw) : normalizeOutputItem(raw)))
        .filter((item): item is ResponseItem => item !== null);
      return { output, usage: json.usage ? parseUsage(json.usage) : undefined };
    },
  };
}

/** Compaction keeps user messages verbatim; they arrive with input_text parts. */
function normalizeInputMessage(raw: Raw): ResponseItem | null {
  const role = raw.role;
  if (role !== "user" && role !== "assistant" && role !== "developer") return null;
  const content = Array.isArray(raw.content) ? (raw.content as Raw[]) : [];
  return {
    type: "message",
    role,
    content: content.map((part) =>
      part.type === "output_text"
        ? { type: "output_text", text: String(part.text ?? "") }
        : { type: "input_text", text: String(part.text ?? "") },
    ),
  };
}

export function parseUsage(raw: Raw | undefined): Usage {
  if (!raw) return { ...ZERO_USAGE };
  const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
  const inputDetails = (raw.input_tokens_details ?? {}) as Raw;
  const outputDetails = (raw.output_tokens_details ?? {}) as Raw;
  const input = num(raw.input_tokens);
  const output = num(raw.output_tokens);
  return {
    input_tokens: input,
    cached_input_tokens: num(inputDetails.cached_tokens),
    output_tokens: output,
    reasoning_output_tokens: num(outputDetails.reasoning_tokens),
    total_tokens: num(raw.total_tokens) || input + output,
  };
}

/**
 * Maps Responses SSE events to our stream events; ends only on `response.completed`. An event
 * sent again with the same `sequence_number` and payload (a repeat by a proxy) is read once.
 */
export async function* parseResponsesStream(
  events: AsyncIterable<SseEvent>,
  context: { requestBytes: number },
): AsyncGenerator<ModelStreamEvent> {
  const seen = new Map<number, string>();
  const done: ResponseItem[] = [];
  for await (const message of events) {
    const data = parseEventJson(message);
    const sequence = data.sequence_number;
    if (typeof sequence === "number") {
      if (seen.get(sequence) === message.data) continue;
      seen.set(sequence, message.data);
    }
    const type = (data.type as string | undefined) ?? message.event;
    switch (type) {
      case "response.created":
        yield { type: "created", responseId: String((data.response as Raw | undefined)?.id ?? "") };
        break;
      case "response.output_item.added": {
        const item = (data.item ?? {}) as Raw;
        yield { type: "item_started", itemType: String(item.type ?? ""), itemId: String(item.id ?? "") };
        break;
      }
      case "response.output_text.delta":
        yield { type: "text_delta", itemId: String(data.item_id ?? ""), delta: String(data.delta ?? "") };
        break;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        yield {
          type: "reasoning_delta",
          itemId: String(data.item_id ?? ""),
          delta: String(data.delta ?? ""),
        };
        break;
      case "response.output_item.done": {
        const item = normalizeOutputItem((data.item ?? {}) as Raw);
        if (item) {
          done.push(item);
          yield { type: "item_done", item };
        }
        break;
      }
      case "response.completed": {
        const response = (data.response ?? {}) as Raw;
        const responseId = String(response.id ?? "");
        if (isObject(response.usage)) {
          yield { type: "completed", responseId, usage: parseUsage(response.usage) };
        } else {
          // Proxies and small servers often leave usage out: account by estimate, not as an error.
          const usage = estimateUsage(context.requestBytes, outputChars(done));
          yield { type: "completed", responseId, usage, usageEstimated: true };
        }
        return;
      }
      case "response.failed": {
        const error = ((data.response as Raw | undefined)?.error ?? {}) as Raw;
        throw classifyFailedResponse(
          typeof error.code === "string" ? error.code : undefined,
          String(error.message ?? "response failed"),
        );
      }
      case "response.incomplete": {
        const details = ((data.response as Raw | undefined)?.incomplete_details ?? {}) as Raw;
        const reason = String(details.reason ?? "unknown");
        throw new ModelError("incomplete", `Incomplete response returned, reason: ${reason}`, {
          code: reason,
        });
      }
      case "error": {
        const code = typeof data.code === "string" ? data.code : undefined;
        throw classifyFailedResponse(code, String(data.message ?? "stream error"));
      }
      default:
        break;
    }
  }
  throw new ModelError("stream_closed", "stream closed before response.completed");
}

function isObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
