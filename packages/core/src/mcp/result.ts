import { isPlainObject } from "./schema.js";

/** The parts of an MCP `CallToolResult` the model sees (anything else a server sends is ignored). */
export type McpCallResult = {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
};

/**
 * What the model sees of a tool result: `structuredContent` as JSON text when present, otherwise
 * the content items one after the other (text as is; images, audio and blobs described by type
 * and size). A result with `isError` is a failed call.
 */
export function mcpResultText(result: McpCallResult): { text: string; success: boolean } {
  const success = result.isError !== true;
  if (result.structuredContent !== undefined && result.structuredContent !== null) {
    return { text: JSON.stringify(result.structuredContent), success };
  }
  const items = Array.isArray(result.content) ? result.content : [];
  return { text: items.map(contentItemText).join("\n"), success };
}

/** One content block as text. */
export function contentItemText(item: unknown): string {
  if (!isPlainObject(item)) return "[unsupported content]";
  switch (item.type) {
    case "text":
      return typeof item.text === "string" ? item.text : "";
    case "image":
    case "audio":
      return `[${item.type}: ${str(item.mimeType, "unknown type")}, ${base64Bytes(item.data)} bytes]`;
    case "resource_link":
      return `[resource link: ${str(item.uri, "?")}${typeof item.name === "string" ? ` (${item.name})` : ""}]`;
    case "resource":
      return embeddedResourceText(item.resource);
    default:
      return `[unsupported content: ${str(item.type, "?")}]`;
  }
}

function embeddedResourceText(resource: unknown): string {
  if (!isPlainObject(resource)) return "[resource]";
  const uri = str(resource.uri, "?");
  if (typeof resource.text === "string") return `[resource: ${uri}]\n${resource.text}`;
  return `[resource: ${uri}, ${str(resource.mimeType, "unknown type")}, ${base64Bytes(resource.blob)} bytes]`;
}

/** Decoded size of base64 data, without decoding it. */
export function base64Bytes(data: unknown): number {
  if (typeof data !== "string") return 0;
  const trimmed = data.replace(/\s/g, "");
  const padding = trimmed.endsWith("==") ? 2 : trimmed.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((trimmed.length * 3) / 4) - padding);
}

function str(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}
