import { createHash } from "node:crypto";

/** Longest function name the Responses API accepts. */
export const MAX_TOOL_NAME_LENGTH = 64;
const HASH_LENGTH = 12;

/** One server tool, identified by its raw names. */
export type RawToolId = { server: string; tool: string };

/** Replaces every character a function name may not hold with `_`. */
export function sanitizeNamePart(part: string): string {
  const clean = part.replace(/[^A-Za-z0-9_-]/g, "_");
  return clean === "" ? "_" : clean;
}

/** Code-unit order: the same on every machine and locale. */
export function compareRaw(a: RawToolId, b: RawToolId): number {
  if (a.server !== b.server) return a.server < b.server ? -1 : 1;
  if (a.tool !== b.tool) return a.tool < b.tool ? -1 : 1;
  return 0;
}

/**
 * The model-visible names `mcp__<server>__<tool>`, one for each id, in the same order. A name that is too long, or that two tools would share after sanitising, is
 * cut and given `_` plus 12 hex characters of the SHA-1 of its raw identity. Each name depends
 * only on the set of tools, never on the order they arrived in.
 */
export function qualifyToolNames(ids: readonly RawToolId[]): string[] {
  const plain = ids.map((id) => `mcp__${sanitizeNamePart(id.server)}__${sanitizeNamePart(id.tool)}`);
  const counts = new Map<string, number>();
  for (const name of plain) counts.set(name, (counts.get(name) ?? 0) + 1);
  return plain.map((name, index) => {
    if (name.length <= MAX_TOOL_NAME_LENGTH && counts.get(name) === 1) return name;
    const id = ids[index]!;
    const hash = createHash("sha1").update(`${id.server}/${id.tool}`).digest("hex").slice(0, HASH_LENGTH);
    return `${name.slice(0, MAX_TOOL_NAME_LENGTH - HASH_LENGTH - 1)}_${hash}`;
  });
}
