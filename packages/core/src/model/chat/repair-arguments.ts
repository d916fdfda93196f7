import { jsonrepair } from "jsonrepair";

/**
 * Makes a tool call's argument text parse as a JSON object when the model was merely sloppy
 * (trailing commas, single quotes, unquoted keys, Python literals, a code fence). Text that looks
 * cut off is never completed: guessing the end of a truncated command could run something the
 * model did not ask for. Whatever cannot be repaired is returned unchanged, so the tool's own
 * argument parsing reports the problem to the model.
 */
export function repairToolArguments(raw: string): string {
  if (raw.trim() === "") return "{}";
  if (parsesAsJson(raw)) return raw;
  if (looksTruncated(raw)) return raw;
  try {
    const value = JSON.parse(jsonrepair(raw)) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return JSON.stringify(value);
  } catch {
    // beyond repair: hand the raw text on
  }
  return raw;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Whether the text ends inside a double-quoted string or with brackets left open. */
export function looksTruncated(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
  }
  return inString || depth > 0;
}
