import { parse as parseToml } from "smol-toml";
import { ConfigError } from "../errors.js";

/**
 * Applies `-c key.path=value` overrides. The value is read as TOML (`-c model_reasoning_effort="high"`,
 * `-c sandbox_workspace_write.network_access=true`), falling back to a plain string.
 */
export function applyOverrides(
  config: Record<string, unknown>,
  overrides: readonly string[],
): Record<string, unknown> {
  const result = structuredClone(config);
  for (const override of overrides) {
    const eq = override.indexOf("=");
    if (eq <= 0) throw new ConfigError(`-c expects key=value, got "${override}"`);
    const keyPath = override.slice(0, eq).trim().split(".");
    if (
      keyPath.some(
        (part) => part === "" || part === "__proto__" || part === "constructor" || part === "prototype",
      )
    ) {
      throw new ConfigError(`-c: invalid key "${override.slice(0, eq)}"`);
    }
    const value = parseValue(override.slice(eq + 1).trim());
    let target = result;
    for (const part of keyPath.slice(0, -1)) {
      const next = target[part];
      if (typeof next !== "object" || next === null || Array.isArray(next)) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[keyPath[keyPath.length - 1]!] = value;
  }
  return result;
}

function parseValue(text: string): unknown {
  try {
    return (parseToml(`v = ${text}`) as { v: unknown }).v;
  } catch {
    return text;
  }
}
