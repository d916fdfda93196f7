import type { WebSearchCallItem } from "../model/items.js";
import type { ToolDisplay } from "../tools/tool.js";
import type { AgentEvent } from "./events.js";

/**
 * Shows the provider's web searches of one response as tool calls of display kind `web_search`:
 * started when the server opens the item (the query is not known yet), completed when it is
 * done. The call id is the server's item id, matched in order; a search the server never
 * announced gets an id of its own.
 */
export class WebSearchEvents {
  readonly #emit: (event: AgentEvent) => void;
  readonly #open: string[] = [];
  #unannounced = 0;
  #responseId = "";

  constructor(emit: (event: AgentEvent) => void) {
    this.#emit = emit;
  }

  created(responseId: string): void {
    this.#responseId = responseId;
  }

  started(itemId: string): void {
    const callId = itemId || this.#ownId();
    this.#open.push(callId);
    this.#emit({
      type: "tool_call_started",
      callId,
      name: "web_search",
      input: {},
      display: { kind: "web_search", query: "", status: "searching" },
    });
  }

  done(item: WebSearchCallItem): void {
    let callId = this.#open.shift();
    const display = webSearchDisplay(item);
    if (callId === undefined) {
      callId = this.#ownId();
      this.#emit({
        type: "tool_call_started",
        callId,
        name: "web_search",
        input: item.action ?? {},
        display,
      });
    }
    this.#emit({
      type: "tool_call_completed",
      callId,
      name: "web_search",
      input: item.action ?? {},
      success: display.status !== "failed",
      output: "",
      display,
    });
  }

  /** A search sent again (a retried attempt): it closes the start shown for it, nothing more. */
  repeated(item: WebSearchCallItem): void {
    if (this.#open.length > 0) this.done(item);
  }

  /** The stream ended: searches started but never finished are shown as cut off. */
  close(): void {
    for (const callId of this.#open.splice(0)) {
      this.#emit({
        type: "tool_call_completed",
        callId,
        name: "web_search",
        input: {},
        success: false,
        output: "the response ended before the search finished",
        display: { kind: "web_search", query: "", status: "failed" },
      });
    }
  }

  #ownId(): string {
    return `ws_${this.#responseId || "response"}_${++this.#unannounced}`;
  }
}

function webSearchDisplay(item: WebSearchCallItem): Extract<ToolDisplay, { kind: "web_search" }> {
  const action = item.action ?? {};
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return {
    kind: "web_search",
    query: text(action.query) ?? "",
    ...(text(action.type) ? { action: text(action.type) } : {}),
    ...(text(action.url) ? { url: text(action.url) } : {}),
    status: item.status === "failed" ? "failed" : "completed",
  };
}
