import type { ContentPart, ResponseItem, ToolCallItem } from "../model/items.js";
import type { ToolRegistry } from "../tools/registry.js";
import {
  parseToolArguments,
  type Tool,
  type ToolContext,
  type ToolDisplay,
  type ToolResult,
} from "../tools/tool.js";
import type { Clock } from "../util/clock.js";
import type { AgentEvent } from "./events.js";
import type { ReadWriteLock } from "./rw-lock.js";

/** What a tool call needs besides the call itself. */
export type ToolCallEnv = {
  tools: ToolRegistry;
  lock: ReadWriteLock;
  context: (callId: string, signal: AbortSignal) => ToolContext;
  emit: (event: AgentEvent) => void;
  /** For how long an aborted call ran. */
  clock: Clock;
};

export type ToolOutcome = { call: ToolCallItem; output: ResponseItem; result: ToolResult };

/** Runs one tool call to completion. Never throws: every failure becomes model-visible text. */
export async function runToolCall(
  call: ToolCallItem,
  env: ToolCallEnv,
  signal: AbortSignal,
): Promise<ToolOutcome> {
  const tool = env.tools.get(call.name);
  const started = env.clock.now();
  let input: unknown = call.type === "custom_tool_call" ? call.input : call.arguments;
  let result: ToolResult;
  if (!tool) {
    result = { success: false, output: `unsupported call: ${call.name} is not a tool of this session` };
  } else if (tool.kind === "hosted") {
    result = {
      success: false,
      output: `${call.name} is run by the model provider, not called as a function`,
    };
  } else if (tool.kind === "custom" && call.type !== "custom_tool_call") {
    result = {
      success: false,
      output: `${call.name} is a freeform tool: send the raw input, not JSON arguments`,
    };
  } else {
    const release = await env.lock.acquire(!tool.readOnly);
    try {
      if (signal.aborted) {
        result = abortedResult(started, env.clock);
      } else if (tool.kind === "custom") {
        env.emit({
          type: "tool_call_started",
          callId: call.call_id,
          name: call.name,
          input,
          display: describe(tool, input),
        });
        result = await tool.execute(input as string, env.context(call.call_id, signal));
      } else {
        const raw = call.type === "function_call" ? call.arguments : call.input;
        const parsed = parseToolArguments(tool, raw);
        if (parsed.ok) {
          input = parsed.value;
          env.emit({
            type: "tool_call_started",
            callId: call.call_id,
            name: call.name,
            input,
            display: describe(tool, input),
          });
          result = await tool.execute(parsed.value, env.context(call.call_id, signal));
        } else {
          result = { success: false, output: parsed.error };
        }
      }
    } catch (err) {
      result = signal.aborted
        ? abortedResult(started, env.clock)
        : { success: false, output: `tool ${call.name} failed: ${(err as Error).message}` };
    } finally {
      release();
    }
  }
  env.emit({
    type: "tool_call_completed",
    callId: call.call_id,
    name: call.name,
    input,
    success: result.success,
    output: result.output,
    display: result.display,
  });
  return { call, output: outputItemFor(call, result.content ?? result.output), result };
}

/** A tool's own description of a starting call; a broken describe never breaks the call. */
function describe(tool: Tool, input: unknown): ToolDisplay | undefined {
  if (tool.kind === "hosted") return undefined;
  try {
    return (tool.describe as ((value: unknown) => ToolDisplay | undefined) | undefined)?.(input);
  } catch {
    return undefined;
  }
}

function abortedResult(started: number, clock: Clock): ToolResult {
  const secs = ((clock.now() - started) / 1000).toFixed(1);
  return { success: false, output: `aborted by user after ${secs}s` };
}

export function outputItemFor(call: ToolCallItem, output: string | ContentPart[]): ResponseItem {
  if (call.type === "function_call") return { type: "function_call_output", call_id: call.call_id, output };
  const text =
    typeof output === "string" ? output : output.map((part) => ("text" in part ? part.text : "")).join("\n");
  return { type: "custom_tool_call_output", call_id: call.call_id, output: text };
}
