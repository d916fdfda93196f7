import { createParser, type EventSourceMessage } from "eventsource-parser";

/** The server-sent events of a response body, as they arrive. */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<EventSourceMessage> {
  const ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => ready.push(message) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (ready.length) yield ready.shift()!;
    }
    parser.feed(decoder.decode());
    while (ready.length) yield ready.shift()!;
  } finally {
    await reader.cancel().catch(() => {});
  }
}
