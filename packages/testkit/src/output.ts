/** Turns a step's output specs into concrete items with server ids and call ids, shared by both wire formats. */
import type { JsonObject, OutputSpec, StepSpec } from "./types.js";

/** Deterministic ids, counted per server so runs are reproducible. */
export class IdGenerator {
  #counters = new Map<string, number>();

  next(prefix: string): string {
    const n = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, n);
    return `${prefix}${String(n).padStart(6, "0")}`;
  }

  callId(): string {
    const n = (this.#counters.get("call") ?? 0) + 1;
    this.#counters.set("call", n);
    return `call_${n}`;
  }
}

export type OutputItem =
  | { kind: "message"; id: string; text: string; phase?: string }
  | { kind: "reasoning"; id: string; summary: string[]; encryptedContent?: string }
  | { kind: "function_call"; id: string; name: string; arguments: string; callId: string; namespace?: string }
  | { kind: "custom_tool_call"; id: string; name: string; input: string; callId: string }
  | { kind: "web_search_call"; id: string; action: JsonObject; status: "completed" | "failed" };

export function materializeOutput(
  specs: readonly OutputSpec[],
  step: StepSpec,
  ids: IdGenerator,
  wantEncryptedReasoning: boolean,
): OutputItem[] {
  return specs.map((spec): OutputItem => {
    switch (spec.type) {
      case "message":
        return { kind: "message", id: ids.next("msg_fake_"), text: String(spec.text), phase: spec.phase };
      case "reasoning": {
        const id = ids.next("rs_fake_");
        const summary = (Array.isArray(spec.summary) ? spec.summary : [spec.summary]).filter((s) => s !== "");
        const encryptedContent =
          spec.encrypted_content ?? (wantEncryptedReasoning ? `enc_reasoning:${base64(id)}` : undefined);
        return { kind: "reasoning", id, summary, encryptedContent };
      }
      case "function_call":
        return {
          kind: "function_call",
          id: ids.next("fc_fake_"),
          name: spec.name,
          arguments: step.rawArguments ?? argumentsText(spec.arguments),
          callId: spec.call_id ?? ids.callId(),
          namespace: spec.namespace,
        };
      case "custom_tool_call":
        return {
          kind: "custom_tool_call",
          id: ids.next("ctc_fake_"),
          name: spec.name,
          input: String(spec.input),
          callId: spec.call_id ?? ids.callId(),
        };
      case "web_search_call":
        return {
          kind: "web_search_call",
          id: ids.next("ws_fake_"),
          action: spec.action ?? { type: "search", query: spec.query ?? "" },
          status: spec.status ?? "completed",
        };
      default:
        throw new Error(`unknown output type ${JSON.stringify((spec as { type?: unknown }).type)}`);
    }
  });
}

function argumentsText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value ?? {});
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** Rough output size in tokens: ceil(chars / 4) over everything the model "wrote". */
export function estimateOutputTokens(items: readonly OutputItem[]): number {
  let chars = 0;
  for (const item of items) {
    if (item.kind === "message") chars += item.text.length;
    else if (item.kind === "reasoning") chars += item.summary.join("").length;
    else if (item.kind === "function_call") chars += item.name.length + item.arguments.length;
    else if (item.kind === "web_search_call") chars += JSON.stringify(item.action).length;
    else chars += item.name.length + item.input.length;
  }
  return Math.ceil(chars / 4);
}

/** Splits text into at most `count` pieces without breaking surrogate pairs; "" gives no pieces. */
export function splitChunks(text: string, count: number): string[] {
  if (text === "") return [];
  const points = Array.from(text);
  const n = Math.max(1, Math.min(Math.floor(count), points.length));
  const size = Math.ceil(points.length / n);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(""));
  return pieces;
}
