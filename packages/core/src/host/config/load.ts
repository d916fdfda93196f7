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

export type LoadedConfig = {
  toml: ConfigToml;
  /** Problems that did not stop loading (keys nightshift does not know), for the face to show once. */
  warnings: string[];
};

export type LoadOptions = {
  /** A profile named on the command line (`-p`); it may live in `<home>/<name>.config.toml`. */
  profile?: string;
  /** Unknown keys are errors rather than warnings (`--strict-config`). */
  strict?: boolean;
};

/**
 * Reads `config.toml` (an absent file is an empty config), applies `-c` overrides and validates.
 * Keys nightshift does not know (a Codex config holds many) are left out with one warning that
 * says where each came from; with `strict` they are an error. A profile named `-p NAME` that
 * config.toml does not define is read from `NAME.config.toml` beside it, as Codex does.
 */
export function loadConfig(
  home: string,
  overrides: readonly string[],
  options: LoadOptions = {},
): LoadedConfig {
  const file = configPath(home);
  const fromFile = readToml(file);
  const fromFlags = applyOverrides({}, overrides);
  const raw = applyOverrides(fromFile ?? {}, overrides);
  const profileFile = attachProfileFile(raw, home, options.profile);
  const sourceOf = (keyPath: string[]): string => {
    if (hasPath(fromFlags, keyPath)) return "-c";
    if (profileFile && keyPath[0] === "profiles") return profileFile;
    return file;
  };
  const unknown = unknownKeys(raw);
  if (unknown.length > 0 && options.strict) {
    const list = unknown.map((keyPath) => `"${keyPath.join(".")}" (${sourceOf(keyPath)})`).join(", ");
    throw new ConfigError(
      `unknown configuration key(s): ${list}; remove them, or drop --strict-config to ignore them`,
    );
  }
  for (const keyPath of unknown) deletePath(raw, keyPath);
  const toml = validateConfig(raw, fromFile === null && !profileFile ? "-c overrides" : file, sourceOf);
  const warnings =
    unknown.length === 0
      ? []
      : [
          `ignoring configuration key(s) nightshift does not know: ${unknown
            .map(
              (keyPath) =>
                `${keyPath.join(".")} (${sourceOf(keyPath) === "-c" ? "-c" : path.basename(sourceOf(keyPath))})`,
            )
            .join(", ")} (--strict-config makes this an error)`,
        ];
  return { toml, warnings };
}

/** `loadConfig` for callers that only need the values (warnings dropped). */
export function loadConfigToml(
  home: string,
  overrides: readonly string[],
  options: LoadOptions = {},
): ConfigToml {
  return loadConfig(home, overrides, options).toml;
}

function readToml(file: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${file} is not valid TOML: ${(err as Error).message}`);
  }
}

const PROFILE_FILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Puts `<home>/<name>.config.toml` in as `profiles.<name>` when config.toml has no such profile. */
function attachProfileFile(raw: Record<string, unknown>, home: string, flagProfile?: string): string | null {
  const name = flagProfile ?? (typeof raw.profile === "string" ? raw.profile : undefined);
  if (!name || !PROFILE_FILE_NAME.test(name) || name.startsWith(".")) return null;
  const profiles = (raw.profiles ?? {}) as Record<string, unknown>;
  if (typeof profiles !== "object" || profiles[name] !== undefined) return null;
  const file = path.join(home, `${name}.config.toml`);
  const values = readToml(file);
  if (values === null) return null;
  raw.profiles = { ...profiles, [name]: values };
  return file;
}

/** Paths of keys the schema does not know, however deep. */
function unknownKeys(raw: unknown): string[][] {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path.map(String), key]) : [],
  );
}

function hasPath(object: Record<string, unknown>, keyPath: string[]): boolean {
  let node: unknown = object;
  for (const key of keyPath) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

function deletePath(object: Record<string, unknown>, keyPath: string[]): void {
  let node: unknown = object;
  for (const key of keyPath.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === "object" && node !== null) delete (node as Record<string, unknown>)[keyPath.at(-1)!];
}

export function validateConfig(
  raw: unknown,
  source: string,
  sourceOf: (keyPath: string[]) => string = () => source,
): ConfigToml {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(`invalid configuration:\n${formatIssues(parsed.error, sourceOf)}`);
  return parsed.data;
}

function formatIssues(error: z.ZodError, sourceOf: (keyPath: string[]) => string): string {
  return error.issues
    .map((issue) => {
      const keyPath = issue.path.map(String);
      const where = keyPath.join(".") || "(top level)";
      const from = keyPath.length > 0 ? ` (from ${sourceOf(keyPath)})` : "";
      if (issue.code === "unrecognized_keys")
        return `  - ${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}${from}`;
      return `  - ${where}: ${issue.message}${from}`;
    })
    .join("\n");
}
