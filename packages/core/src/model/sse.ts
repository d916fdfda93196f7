import { createParser, type EventSourceMessage } from "eventsource-parser";
import { type Clock, startTimer, systemClock } from "../util/clock.js";
import { ModelError } from "./errors.js";

/** One server-sent event. `atEnd`: dispatched because the body ended, without its closing blank line. */
export type SseEvent = EventSourceMessage & { atEnd?: true };

/**
 * Reads server-sent events from a response body. Fails with `idle_timeout` when no bytes arrive
 * for `idleTimeoutMs`, and with `aborted` when the signal fires.
 *
 * When the body ends cleanly, an event whose lines are all complete is dispatched even without
 * the blank line that should close it (as Codex's reader does: proxies and small servers end
 * streams that way). A body that ends in the middle of a line drops that event: it was cut.
 */
export async function* readSse(
  body: AsyncIterable<Uint8Array>,
  options: { idleTimeoutMs: number; signal?: AbortSignal; clock?: Clock },
): AsyncGenerator<SseEvent> {
  const queue: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const reader = body[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  let lastChar = "";
  const feed = (text: string) => {
    if (text === "") return;
    lastChar = text.at(-1)!;
    parser.feed(text);
  };
  try {
    while (true) {
      const chunk = await readWithTimeout(
        reader,
        options.idleTimeoutMs,
        options.signal,
        options.clock ?? systemClock,
      );
      if (chunk.done) break;
      feed(decoder.decode(chunk.value, { stream: true }));
      while (queue.length > 0) yield queue.shift()!;
    }
    feed(decoder.decode());
    while (queue.length > 0) yield queue.shift()!;
    if (lastChar === "\n" || lastChar === "\r") {
      // Every line is complete: end the pending event (a CR may still wait for its LF).
      parser.feed("\n\n");
      for (const event of queue.splice(0)) yield { ...event, atEnd: true };
    }
  } finally {
    reader.return?.().catch(() => {});
  }
}

/**
 * Parses an event's JSON payload. Bad JSON in the middle of a stream is a malformed event; bad
 * JSON in an event that only ended because the body did is a stream cut inside the payload.
 */
export function parseEventJson(event: SseEvent, data: string = event.data): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    if (event.atEnd)
      throw new ModelError("stream_closed", "stream closed in the middle of an event's JSON payload");
    throw new ModelError("malformed_event", `malformed SSE event: ${data.slice(0, 200)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new ModelError("malformed_event", `SSE event is not a JSON object: ${data.slice(0, 200)}`);
  return parsed as Record<string, unknown>;
}

type ReadResult = IteratorResult<Uint8Array>;

function readWithTimeout(
  reader: AsyncIterator<Uint8Array>,
  idleTimeoutMs: number,
  signal: AbortSignal | undefined,
  clock: Clock,
): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ModelError("aborted", "request aborted"));
      return;
    }
    const onAbort = () => {
      cleanup();
      reject(new ModelError("aborted", "request aborted"));
    };
    const cancelTimer = startTimer(clock, idleTimeoutMs, () => {
      cleanup();
      reject(
        new ModelError("idle_timeout", `idle timeout waiting for SSE (no data for ${idleTimeoutMs} ms)`),
      );
    });
    const cleanup = () => {
      cancelTimer();
      signal?.removeEventListener("abort", onAbort);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    reader.next().then(
      (result) => {
        cleanup();
        resolve(result);
      },
      (err: unknown) => {
        cleanup();
        reject(
          new ModelError(
            "stream_closed",
            `stream closed before response.completed: ${(err as Error).message}`,
            {
              cause: err,
            },
          ),
        );
      },
    );
  });
}
