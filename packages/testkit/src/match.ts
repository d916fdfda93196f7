/** Checks a request against a step's `match` and explains mismatches in readable text. */
import type { JsonObject, RecordedRequest, StepMatch } from "./types.js";

export const RESPONSES_PATH = "/v1/responses";
export const COMPACT_PATH = "/v1/responses/compact";
export const CHAT_PATH = "/v1/chat/completions";
const TURN_PATHS = [RESPONSES_PATH, CHAT_PATH];

/** Input items of a request: `input` (Responses, compact) or `messages` (Chat Completions). */
export function inputItems(body: JsonObject | null): unknown[] {
  if (!body) return [];
  if (Array.isArray(body.input)) return body.input;
  if (typeof body.input === "string") return [{ type: "message", role: "user", content: body.input }];
  if (Array.isArray(body.messages)) return body.messages;
  return [];
}

/** Whether a step with this match is aimed at `path` (the routing part of matching). */
export function stepTargetsPath(match: StepMatch | undefined, path: string): boolean {
  return match?.path !== undefined ? match.path === path : TURN_PATHS.includes(path);
}

/** Mismatch descriptions, one line each; empty when the request matches. */
export function mismatches(match: StepMatch | undefined, request: RecordedRequest): string[] {
  const problems: string[] = [];
  if (!stepTargetsPath(match, request.path)) {
    const expected = match?.path ?? TURN_PATHS.join(" or ");
    problems.push(`path: expected ${expected}, got ${request.path}`);
  }
  if (!match) return problems;
  const body = request.body;
  if (match.model !== undefined && body?.model !== match.model) {
    problems.push(
      `model: expected ${JSON.stringify(match.model)}, got ${JSON.stringify(body?.model ?? null)}`,
    );
  }
  if (match.headers) {
    for (const [name, value] of Object.entries(match.headers)) {
      const actual = request.headers[name.toLowerCase()];
      if (actual !== value) {
        problems.push(
          `header ${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(actual ?? null)}`,
        );
      }
    }
  }
  const items = inputItems(body);
  if (match.inputContains !== undefined && !jsonContains(items, match.inputContains)) {
    problems.push(`inputContains: no input item contains ${JSON.stringify(match.inputContains)}`);
  }
  if (match.lastInput) {
    const last = items.at(-1);
    const want = match.lastInput;
    if (last === undefined) problems.push("lastInput: expected an input item, got an empty input");
    else {
      const item = asObject(last);
      if (want.type !== undefined && itemType(item) !== want.type) {
        problems.push(
          `lastInput.type: expected ${JSON.stringify(want.type)}, got ${JSON.stringify(itemType(item))}`,
        );
      }
      if (want.role !== undefined && item.role !== want.role) {
        problems.push(
          `lastInput.role: expected ${JSON.stringify(want.role)}, got ${JSON.stringify(item.role ?? null)}`,
        );
      }
      if (
        want.contains !== undefined &&
        !itemText(item).includes(want.contains) &&
        !jsonContains(item, want.contains)
      ) {
        problems.push(
          `lastInput.contains: expected text containing ${JSON.stringify(want.contains)}, got ${JSON.stringify(clip(itemText(item), 300))}`,
        );
      }
    }
  }
  return problems;
}

function asObject(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** Chat messages have no `type`; they count as messages. */
function itemType(item: JsonObject): string {
  return typeof item.type === "string" ? item.type : "message";
}

function jsonContains(value: unknown, needle: string): boolean {
  const json = JSON.stringify(value) ?? "";
  return json.includes(needle) || json.includes(JSON.stringify(needle).slice(1, -1));
}

function partsText(value: unknown): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return "";
  return value
    .map((part) => {
      const p = asObject(part);
      return typeof p.text === "string" ? p.text : "";
    })
    .join("\n");
}

/** The human-meaningful text of an input item. */
export function itemText(item: JsonObject): string {
  switch (itemType(item)) {
    case "message":
      return partsText(item.content);
    case "function_call_output":
    case "custom_tool_call_output":
      return partsText(item.output);
    case "function_call":
      return String(item.arguments ?? "");
    case "custom_tool_call":
      return String(item.input ?? "");
    case "reasoning":
      return partsText(item.summary);
    default:
      return JSON.stringify(item);
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more chars)`;
}

/** One line per item, e.g. `[7] function_call_output call_1: "total 0"`. */
export function summarizeItems(items: readonly unknown[], lastN = 5): string[] {
  const start = Math.max(0, items.length - lastN);
  return items.slice(start).map((raw, offset) => {
    const item = asObject(raw);
    const type = itemType(item);
    const parts = [`[${start + offset}] ${type}`];
    if (typeof item.role === "string") parts[0] += `/${item.role}`;
    if (typeof item.name === "string") parts.push(item.name);
    if (typeof item.call_id === "string") parts.push(item.call_id);
    if (typeof item.tool_call_id === "string") parts.push(item.tool_call_id);
    return `${parts.join(" ")}: ${JSON.stringify(clip(itemText(item), 160))}`;
  });
}

export function describeRequest(request: RecordedRequest): string {
  const model = typeof request.body?.model === "string" ? ` model=${request.body.model}` : "";
  return `request #${request.index} ${request.method} ${request.path}${model}`;
}

/** The full failure text: headline, one line per problem, then the tail of the input. */
export function failureReport(
  request: RecordedRequest,
  headline: string,
  problems: readonly string[],
): string {
  const items = inputItems(request.body);
  const lines = [`fake model server: ${describeRequest(request)}: ${headline}`];
  for (const problem of problems) lines.push(`  - ${problem}`);
  if (items.length > 0) {
    lines.push(`  last input items (${items.length} in all):`);
    for (const line of summarizeItems(items)) lines.push(`    ${line}`);
  }
  return lines.join("\n");
}
