import path from "node:path";
import { parseModelEntry } from "../../model/gateway/route.js";
import type { ProviderInfo } from "../../model/provider.js";
import type { ApprovalPolicy, SandboxMode, SandboxPolicy } from "../../sandbox/policy.js";
import { ConfigError } from "../errors.js";
import { builtinProviders, resolveProvider } from "./providers.js";
import type { ConfigToml } from "./schema.js";

export const DEFAULT_MODEL = "gpt-5.4";

/** Command-line flags that override config. */
export type CliOverrides = {
  model?: string;
  profile?: string;
  sandbox?: SandboxMode;
  approvalPolicy?: ApprovalPolicy;
  cwd: string;
  oss?: boolean;
  localProvider?: string;
  /** The sandbox when neither the flag nor config chooses one (default workspace-write). */
  defaultSandbox?: SandboxMode;
  /** More writable roots beside config's (`--add-dir`). */
  writableRoots?: string[];
  /** `--fallback-model` (replaces config's `fallback_models` when given). */
  fallbackModels?: string[];
  /** The model of compaction summaries (over config's `compact_model`). */
  compactModel?: string;
};

/** Configuration after profiles, flags and environment are applied. */
export type RuntimeConfig = {
  model: string;
  provider: ProviderInfo;
  sandbox: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  cwd: string;
  toml: ConfigToml;
  /** The profile's view of the settings keys merged over the top level. */
  settings: ConfigToml;
  /** Models a turn continues on when the model fails beyond retries: "<provider>:<model>" or "<model>". */
  fallbackModels: string[];
  /** The model compaction summaries are asked of (same entry forms), or null: the session's model. */
  compactModel: string | null;
};

/** The models and provider config chooses, before the provider is resolved (no key needed). */
export type ModelSelection = {
  model: string;
  providerId: string;
  settings: ConfigToml;
  fallbackModels: string[];
  compactModel: string | null;
};

/** Applies the profile and the flags to the model keys: which model, on which provider, with what fallbacks. */
export function selectModels(
  toml: ConfigToml,
  flags: Pick<
    CliOverrides,
    "profile" | "oss" | "localProvider" | "model" | "fallbackModels" | "compactModel"
  >,
): ModelSelection {
  const profileName = flags.profile ?? toml.profile;
  let settings: ConfigToml = toml;
  if (profileName) {
    const profile = toml.profiles?.[profileName];
    if (!profile) {
      const known = Object.keys(toml.profiles ?? {}).sort();
      throw new ConfigError(
        `profile "${profileName}" is not defined in config.toml${known.length ? ` (profiles: ${known.join(", ")})` : " (no [profiles.<name>] tables)"}`,
      );
    }
    settings = { ...toml, ...profile };
  }
  // `-m <provider>:<model>` (a run's plan_model, say) picks the provider as well as the model.
  const chosen =
    flags.model && !flags.oss
      ? parseModelEntry(flags.model, (id) => id in builtinProviders({}) || id in (toml.model_providers ?? {}))
      : null;
  const providerId = flags.oss
    ? (flags.localProvider ?? settings.oss_provider ?? ossProviderMissing())
    : (chosen?.providerId ?? settings.model_provider ?? "openai");
  return {
    // With --oss a top-level `model` (usually a hosted one) is ignored: -m, the profile's, or the local default.
    model:
      chosen?.model ??
      flags.model ??
      (flags.oss
        ? (toml.profiles?.[profileName ?? ""]?.model ?? defaultOssModel(providerId))
        : (settings.model ?? DEFAULT_MODEL)),
    providerId,
    settings,
    fallbackModels: (flags.fallbackModels?.length
      ? flags.fallbackModels
      : (settings.fallback_models ?? [])
    ).map((entry) => entry.trim()),
    compactModel: flags.compactModel?.trim() || settings.compact_model || null,
  };
}

export function resolveRuntimeConfig(
  toml: ConfigToml,
  flags: CliOverrides,
  env: NodeJS.ProcessEnv,
): RuntimeConfig {
  const { model, providerId, settings, fallbackModels, compactModel } = selectModels(toml, flags);
  const provider = resolveProvider(providerId, toml.model_providers, env);
  const ws = toml.sandbox_workspace_write ?? {};
  const mode = flags.sandbox ?? settings.sandbox_mode ?? flags.defaultSandbox ?? "workspace-write";
  return {
    model,
    provider,
    sandbox: {
      mode,
      writableRoots: [...(ws.writable_roots ?? []), ...(flags.writableRoots ?? [])].map((root) =>
        path.resolve(flags.cwd, root),
      ),
      networkAccess: ws.network_access ?? false,
      excludeTmpdirEnvVar: ws.exclude_tmpdir_env_var,
      excludeSlashTmp: ws.exclude_slash_tmp,
    },
    approvalPolicy: flags.approvalPolicy ?? settings.approval_policy ?? "on-request",
    cwd: flags.cwd,
    toml,
    settings,
    fallbackModels,
    compactModel,
  };
}

function ossProviderMissing(): never {
  throw new ConfigError(
    '--oss needs a local model server, and none is chosen. The choices: ollama (Ollama, http://localhost:11434/v1) or lmstudio (LM Studio, http://localhost:1234/v1). Pass --local-provider ollama|lmstudio, or set oss_provider = "ollama" (or "lmstudio") in config.toml.',
  );
}

/** The model `--oss` uses when none is given with -m. */
export function defaultOssModel(providerId: string): string {
  return providerId === "lmstudio" ? "openai/gpt-oss-20b" : "gpt-oss:20b";
}
