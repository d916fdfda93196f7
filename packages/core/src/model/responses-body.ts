import type { ModelRequest } from "./client.js";

/**
 * Serialises a Responses API request. The field order is fixed and the input items come from
 * their cached JSON, so consecutive requests share a byte-identical prefix and building the body
 * costs one string join, whatever the length of the history.
 */
export function buildResponsesBody(request: ModelRequest, options: { store: boolean }): string {
  const head: string[] = [`"model":${JSON.stringify(request.model)}`];
  if (request.instructions) head.push(`"instructions":${JSON.stringify(request.instructions)}`);
  head.push(`"input":[${request.inputJson.join(",")}]`);
  head.push(`"tools":${request.toolsJson}`);
  head.push(`"tool_choice":"auto"`);
  head.push(`"parallel_tool_calls":${request.parallelToolCalls}`);
  const reasoning = request.reasoning
    ? JSON.stringify({
        ...(request.reasoning.effort ? { effort: request.reasoning.effort } : {}),
        ...(request.reasoning.summary && request.reasoning.summary !== "none"
          ? { summary: request.reasoning.summary }
          : {}),
      })
    : "null";
  head.push(`"reasoning":${reasoning}`);
  head.push(`"store":${options.store}`);
  head.push(`"stream":true`);
  head.push(`"include":${request.reasoning ? '["reasoning.encrypted_content"]' : "[]"}`);
  head.push(`"prompt_cache_key":${JSON.stringify(request.promptCacheKey)}`);
  if (request.maxOutputTokens !== undefined) head.push(`"max_output_tokens":${request.maxOutputTokens}`);
  const text: Record<string, unknown> = {};
  if (request.verbosity) text.verbosity = request.verbosity;
  if (request.outputSchema) {
    text.format = {
      type: "json_schema",
      strict: true,
      schema: request.outputSchema,
      name: "nightshift_output_schema",
    };
  }
  if (Object.keys(text).length > 0) head.push(`"text":${JSON.stringify(text)}`);
  return `{${head.join(",")}}`;
}

/** The body of `POST /responses/compact` (non-streaming). */
export function buildCompactBody(request: ModelRequest): string {
  const parts = [
    `"model":${JSON.stringify(request.model)}`,
    `"input":[${request.inputJson.join(",")}]`,
    `"instructions":${JSON.stringify(request.instructions)}`,
    `"tools":${request.toolsJson}`,
    `"parallel_tool_calls":${request.parallelToolCalls}`,
  ];
  return `{${parts.join(",")}}`;
}
