export type StreamEvent = { event: string; id: string | null; data: string };

/** Parses one event-stream block (lines of `field: value`). */
function parseBlock(block: string): StreamEvent | null {
  if (!block.includes("data:")) return null;
  const field = (name: string) =>
    block
      .split("\n")
      .find((l) => l.startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim() ?? null;
  return { event: field("event") ?? "message", id: field("id"), data: field("data") ?? "" };
}

/**
 * Reads a task's event stream until `until` accepts an event (or the stream ends); returns the
 * events read, the accepted one last. `open` makes the request (with the key).
 */
export async function readEventsUntil(
  open: (signal: AbortSignal) => Promise<Response>,
  until: (event: StreamEvent) => boolean,
): Promise<StreamEvent[]> {
  const abort = new AbortController();
  const response = await open(abort.signal);
  if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const events: StreamEvent[] = [];
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return events;
      buffer += value;
      let cut = buffer.indexOf("\n\n");
      while (cut !== -1) {
        const event = parseBlock(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (event) {
          events.push(event);
          if (until(event)) return events;
        }
        cut = buffer.indexOf("\n\n");
      }
    }
  } finally {
    abort.abort();
    await reader.cancel().catch(() => {});
  }
}
