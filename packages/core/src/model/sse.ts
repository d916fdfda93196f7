import { createParser, type EventSourceMessage } from "eventsource-parser";
import { ModelError } from "./errors.js";

/**
 * Reads server-sent events from a response body. Fails with `idle_timeout` when no bytes arrive
 * for `idleTimeoutMs`, and with `aborted` when the signal fires.
 */
export async function* readSse(
  body: AsyncIterable<Uint8Array>,
  options: { idleTimeoutMs: number; signal?: AbortSignal },
): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const reader = body[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  try {
    while (true) {
      const chunk = await readWithTimeout(reader, options.idleTimeoutMs, options.signal);
      if (chunk.done) break;
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      while (queue.length > 0) yield queue.shift()!;
    }
    parser.feed(decoder.decode());
    while (queue.length > 0) yield queue.shift()!;
  } finally {
    reader.return?.().catch(() => {});
  }
}

type ReadResult = IteratorResult<Uint8Array>;

function readWithTimeout(
  reader: AsyncIterator<Uint8Array>,
  idleTimeoutMs: number,
  signal: AbortSignal | undefined,
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
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new ModelError("idle_timeout", `idle timeout waiting for SSE (no data for ${idleTimeoutMs} ms)`),
      );
    }, idleTimeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
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
