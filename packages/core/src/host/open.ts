import fs from "node:fs";
import path from "node:path";
import type { ApprovalPolicy, SandboxMode } from "../sandbox/policy.js";
import { loadRollout } from "../session/rollout-reader.js";
import type { SessionQuery, SessionRef } from "../session/store.js";
import type { WebSearchMode } from "../tools/web-search/tool.js";
import { buildSession, type HostDeps, type SessionExtensions, storeOf } from "./build-session.js";
import { clampToCeiling, type SessionCeiling } from "./ceiling.js";
import { loadConfig } from "./config/load.js";
import { type CliOverrides, type RuntimeConfig, resolveRuntimeConfig } from "./config/resolve.js";
import { SetupError } from "./errors.js";
import { ensureOssReady } from "./oss/ready.js";
import type { Session } from "./session.js";
import { webSearchRequest } from "./web-search.js";

/** How to configure a session: config.toml, then these, as Codex's flags would. */
export type SessionSpec = {
  /** The session's working directory (must exist). */
  cwd: string;
  /** `-c key=value` overrides (values read as TOML) applied over config.toml. */
  config?: readonly string[];
  model?: string;
  profile?: string;
  sandbox?: SandboxMode;
  approvalPolicy?: ApprovalPolicy;
  /** The sandbox when neither a flag nor config.toml chooses one (exec: read-only, as Codex). */
  defaultSandbox?: SandboxMode;
  /** More writable roots for workspace-write (`--add-dir`), beside config.toml's. */
  writableRoots?: string[];
  /** Unknown config keys are errors rather than warnings (`--strict-config`). */
  strictConfig?: boolean;
  /** Use a local model server (`--oss`), checked and prepared before the session starts. */
  oss?: boolean;
  localProvider?: string;
  /** Strict JSON-schema answer of each turn's final message. */
  outputSchema?: Record<string, unknown>;
  /** `max_output_tokens` of each request. */
  maxOutputTokens?: number;
  /** Limits a client cannot lift (the operator's, for `mcp-server` clients). */
  ceiling?: SessionCeiling;
  /** Tools and hooks added to the session. */
  extensions?: SessionExtensions;
  /**
   * Record what each turn changes in the workspace, for `nightshift apply` (default true; turns
   * that cannot change anything are never recorded).
   */
  recordChanges?: boolean;
  /** Models to continue on when the model fails beyond retries (`--fallback-model`; over config's `fallback_models`). */
  fallbackModels?: string[];
  /** The model compaction summaries are asked of (over config's `compact_model`). */
  compactModel?: string;
  /** What the session's requests are for in its usage breakdown (default "work"; e.g. a run's "plan"). */
  role?: string;
  /**
   * The provider's hosted web search for this session (`--search`: "live"), over config.toml's
   * `web_search`. Asked for here, live search stays live even with the sandbox's network off.
   */
  webSearch?: WebSearchMode;
};

/**
 * Loads and resolves configuration for a spec (throwing ConfigError with an actionable message),
 * with the warnings loading produced.
 */
export function resolveSpec(
  spec: SessionSpec,
  deps: Pick<HostDeps, "home" | "env">,
): { runtime: RuntimeConfig; warnings: string[] } {
  const cwd = path.resolve(spec.cwd);
  if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) {
    throw new SetupError(`the working directory ${cwd} does not exist or is not a directory`);
  }
  const { toml, warnings } = loadConfig(deps.home, spec.config ?? [], {
    profile: spec.profile,
    strict: spec.strictConfig,
  });
  const flags: CliOverrides = {
    cwd,
    model: spec.model,
    profile: spec.profile,
    sandbox: spec.sandbox,
    approvalPolicy: spec.approvalPolicy,
    oss: spec.oss,
    localProvider: spec.localProvider,
    defaultSandbox: spec.defaultSandbox,
    writableRoots: spec.writableRoots,
    fallbackModels: spec.fallbackModels,
    compactModel: spec.compactModel,
  };
  return { runtime: resolveRuntimeConfig(toml, flags, deps.env), warnings };
}

async function prepare(
  spec: SessionSpec,
  deps: HostDeps,
): Promise<{ runtime: RuntimeConfig; warnings: string[] }> {
  let { runtime, warnings } = resolveSpec(spec, deps);
  if (spec.ceiling) {
    const clamped = clampToCeiling(runtime, spec.ceiling);
    runtime = clamped.runtime;
    warnings.push(...clamped.warnings);
  }
  if (spec.oss) await ensureOssReady(runtime, deps.ossReporter ?? { line: () => {} });
  return { runtime, warnings };
}

/** Starts a new session. */
export async function createSession(spec: SessionSpec, deps: HostDeps): Promise<Session> {
  const { runtime, warnings } = await prepare(spec, deps);
  const session = await buildSession({
    runtime,
    deps,
    outputSchema: spec.outputSchema,
    maxOutputTokens: spec.maxOutputTokens,
    extensions: spec.extensions,
    recordChanges: spec.recordChanges,
    role: spec.role,
    webSearch: webSearchRequest(spec),
  });
  session.warnings.unshift(...warnings);
  return session;
}

/**
 * Continues a stored session (by id or prefix, or the latest one of `spec.cwd` with `last`).
 * With `inheritLastTurn`, settings the spec leaves open come from the session's last turn (its
 * folder, model, sandbox and approvals) rather than from config.toml.
 */
export async function resumeSession(
  query: SessionQuery | { last: true; all: true },
  spec: SessionSpec & { inheritLastTurn?: boolean },
  deps: HostDeps,
): Promise<Session> {
  const ref = findSession(query, spec.cwd, deps);
  let effective = spec;
  if (spec.inheritLastTurn) {
    const last = loadRollout(ref.path).lastTurnContext;
    effective = {
      ...spec,
      cwd: last?.cwd && fs.existsSync(last.cwd) ? last.cwd : spec.cwd,
      model: spec.model ?? last?.model,
      sandbox: spec.sandbox ?? (last?.sandbox_mode as SandboxMode | undefined),
      approvalPolicy: spec.approvalPolicy ?? (last?.approval_policy as ApprovalPolicy | undefined),
    };
  }
  const { runtime, warnings } = await prepare(effective, deps);
  const session = await buildSession({
    runtime,
    deps,
    resume: ref,
    outputSchema: spec.outputSchema,
    maxOutputTokens: spec.maxOutputTokens,
    extensions: spec.extensions,
    recordChanges: spec.recordChanges,
    role: spec.role,
    webSearch: webSearchRequest(spec),
  });
  session.warnings.unshift(...warnings);
  return session;
}

/** The stored session a query names; a SetupError that says where it looked otherwise. */
export function findSession(
  query: SessionQuery | { last: true; all: true },
  cwd: string,
  deps: Pick<HostDeps, "home" | "store" | "clock">,
): SessionRef {
  const store = storeOf(deps as HostDeps);
  const scoped: SessionQuery =
    "last" in query ? ("all" in query ? { last: true } : { last: true, cwd: path.resolve(cwd) }) : query;
  let ref: SessionRef | null;
  try {
    ref = store.find(scoped);
  } catch (err) {
    throw new SetupError((err as Error).message);
  }
  if (ref) return ref;
  const where = path.join(deps.home, "sessions");
  if ("id" in scoped) throw new SetupError(`no session with id "${scoped.id}" under ${where}`);
  throw new SetupError(
    scoped.cwd
      ? `no sessions of ${scoped.cwd} under ${where} (use --all to resume the latest of any folder)`
      : `no sessions found under ${where}`,
  );
}

/** This folder's stored sessions (all folders' with `all`), most recently updated first. */
export function listSessions(
  cwd: string,
  deps: Pick<HostDeps, "home" | "store" | "clock">,
  options: { all?: boolean } = {},
): SessionRef[] {
  const store = storeOf(deps as HostDeps);
  try {
    return store.list(options.all ? {} : { cwd: path.resolve(cwd) });
  } catch (err) {
    throw new SetupError((err as Error).message);
  }
}
