/**
 * An MCP tool's inputSchema made fit for the request: an object schema with `properties`, keys
 * sorted at every level so the JSON is the same whatever order a server lists them in, and no
 * `$schema` (the tools array is not a schema document).
 */
export function normalizeInputSchema(schema: unknown): Record<string, unknown> {
  if (!isPlainObject(schema)) return { type: "object", properties: {} };
  const { $schema: _ignored, ...rest } = schema;
  const sorted = sortKeys(rest) as Record<string, unknown>;
  const properties = isPlainObject(sorted.properties) ? sorted.properties : {};
  return { ...sorted, type: "object", properties };
}

/** A copy of a JSON value with object keys in code-unit order (arrays keep their order). */
export function sortKeys(value: unknown, depth = 0): unknown {
  // Schemas nest a few levels; anything this deep is hostile and is cut off.
  if (depth > 64) return {};
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key === "__proto__") continue;
    out[key] = sortKeys(value[key], depth + 1);
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
