/** Short builders for scenarios written in code. */
import type { FaultSpec, JsonObject, OutputSpec, Scenario, Step, StepSpec } from "./types.js";

export function text(text: string, phase?: "commentary" | "final_answer"): OutputSpec {
  return phase ? { type: "message", text, phase } : { type: "message", text };
}

export function reasoning(summary: string | string[], encryptedContent?: string): OutputSpec {
  return encryptedContent === undefined
    ? { type: "reasoning", summary }
    : { type: "reasoning", summary, encrypted_content: encryptedContent };
}

/** `args` objects are sent as JSON; a string is sent verbatim. */
export function functionCall(name: string, args: unknown, callId?: string, namespace?: string): OutputSpec {
  return {
    type: "function_call",
    name,
    arguments: args,
    ...(callId !== undefined ? { call_id: callId } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

export function customToolCall(name: string, input: string, callId?: string): OutputSpec {
  return { type: "custom_tool_call", name, input, ...(callId !== undefined ? { call_id: callId } : {}) };
}

/** A search by the provider's hosted web_search tool (`action` defaults to a search for `query`). */
export function webSearchCall(
  query: string,
  options: { action?: JsonObject; status?: "completed" | "failed" } = {},
): OutputSpec {
  return { type: "web_search_call", query, ...options };
}

/** A step that answers with these output items. */
export function reply(...output: OutputSpec[]): StepSpec {
  return { response: { output } };
}

/** A step that injects a fault (`extra` can add a match, a partial response for `incomplete`, ...). */
export function fault(spec: FaultSpec, extra: Omit<StepSpec, "fault"> = {}): StepSpec {
  return { ...extra, fault: spec };
}

export function scenario(...steps: Step[]): Scenario {
  return { steps };
}

/** Raw items for `/v1/responses/compact` step outputs. */
export function compaction(encryptedContent: string): JsonObject {
  return { type: "compaction", encrypted_content: encryptedContent };
}

export function userMessage(text: string): JsonObject {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}
