import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import type { z } from "zod";
import { applyOverrides } from "./overrides.js";
import { type ConfigToml, configSchema } from "./schema.js";

export { ConfigError } from "../errors.js";

import { ConfigError } from "../errors.js";

/** `$NIGHTSHIFT_HOME`, default `~/.nightshift`. */
export function nightshiftHome(env: NodeJS.ProcessEnv): string {
  const home = env.NIGHTSHIFT_HOME?.trim();
  return home ? path.resolve(home) : path.join(os.homedir(), ".nightshift");
}

export function configPath(home: string): string {
  return path.join(home, "config.toml");
}

/** Reads `config.toml` (absent file = empty config), applies `-c` overrides and validates. */
export function loadConfigToml(home: string, overrides: readonly string[]): ConfigToml {
  const file = configPath(home);
  let raw: Record<string, unknown> = {};
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
    }
  }
  if (text !== null) {
    try {
      raw = parseToml(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`${file} is not valid TOML: ${(err as Error).message}`);
    }
  }
  raw = applyOverrides(raw, overrides);
  return validateConfig(raw, text === null ? "-c overrides" : file);
}

export function validateConfig(raw: unknown, source: string): ConfigToml {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(`invalid configuration in ${source}:\n${formatIssues(parsed.error)}`);
  return parsed.data;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.join(".") || "(top level)";
      if (issue.code === "unrecognized_keys")
        return `  - ${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
      return `  - ${where}: ${issue.message}`;
    })
    .join("\n");
}
