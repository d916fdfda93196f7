import type { ToolSpec } from "../../tools/tool.js";
import type { ModelRequest } from "../client.js";

/**
 * The function tools in Chat Completions form. Freeform (custom) tools have no Chat Completions
 * equivalent and are left out: sessions on the chat wire offer the JSON apply_patch instead.
 */
export function chatToolsJson(tools: readonly ToolSpec[]): string {
  const functions = tools.flatMap((tool) =>
    tool.type === "function"
      ? [
          {
            type: "function",
            function: { name: tool.name, description: tool.description, parameters: tool.parameters },
          },
        ]
      : [],
  );
  return JSON.stringify(functions);
}

/**
 * Serialises a Chat Completions request in a fixed key order. `messagesJson` and `toolsJson` come
 * from caches, so the cost is one join and consecutive requests share their prefix.
 */
export function buildChatBody(
  request: ModelRequest,
  messagesJson: readonly string[],
  toolsJson: string,
): string {
  const parts: string[] = [
    `"model":${JSON.stringify(request.model)}`,
    `"messages":[${messagesJson.join(",")}]`,
  ];
  if (toolsJson !== "[]") {
    parts.push(`"tools":${toolsJson}`, `"tool_choice":"auto"`);
    // Only sent when the model can do it: some servers reject the field for models that cannot.
    if (request.parallelToolCalls) parts.push(`"parallel_tool_calls":true`);
  }
  const effort = request.reasoning?.effort;
  if (effort) parts.push(`"reasoning_effort":${JSON.stringify(effort)}`);
  if (request.outputSchema) {
    const format = {
      type: "json_schema",
      json_schema: { name: "nightshift_output_schema", strict: true, schema: request.outputSchema },
    };
    parts.push(`"response_format":${JSON.stringify(format)}`);
  }
  if (request.maxOutputTokens !== undefined) parts.push(`"max_tokens":${request.maxOutputTokens}`);
  parts.push(`"stream":true`, `"stream_options":{"include_usage":true}`);
  return `{${parts.join(",")}}`;
}
