import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Agent, type TurnSettings } from "../agent/agent.js";
import { type Clock, systemClock } from "../agent/clock.js";
import { composeHooks } from "../agent/compose-hooks.js";
import { History } from "../agent/history.js";
import { outputItemFor } from "../agent/tool-calls.js";
import type { TurnHooks } from "../agent/turn-scope.js";
import { discoverAgentsMd } from "../context/agents-md.js";
import { BASE_INSTRUCTIONS } from "../context/base-instructions.js";
import { autoCompactHooks, autoCompactLimit } from "../context/compaction/auto-compact.js";
import { contextHooks } from "../context/context-hooks.js";
import { localDate } from "../context/environment.js";
import { buildInitialContext } from "../context/initial-context.js";
import { UsageLedger } from "../context/ledger.js";
import type { ShellEnvironmentPolicy } from "../exec/env-policy.js";
import { LoginShellSnapshot } from "../exec/login-shell.js";
import { PtySessionManager } from "../exec/pty-sessions.js";
import { modelOutputBudgetBytes } from "../model/catalog.js";
import type { ModelClient } from "../model/client.js";
import type { CircuitBreakers } from "../model/gateway/index.js";
import { isToolCall, type ResponseItem } from "../model/items.js";
import type { ProviderInfo } from "../model/provider.js";
import { ApprovalCache } from "../sandbox/approval.js";
import { type BashParser, loadBashParser } from "../sandbox/bash-script.js";
import { lifetimeWrapper } from "../sandbox/lifetime.js";
import { writableRoots } from "../sandbox/policy.js";
import { findSystemProgram, probeSandbox } from "../sandbox/probe.js";
import { pinSessionPaths } from "../sandbox/protected-paths.js";
import { assertSandboxUsable, createCommandRunner } from "../sandbox/runner.js";
import { SessionPins } from "../sandbox/session-pins.js";
import { JsonlSessionStore } from "../session/jsonl-store.js";
import type { LoadedSession } from "../session/rollout-reader.js";
import { describeCause, makeDirectory } from "../session/storage-error.js";
import type { SessionLog, SessionRef, SessionStore } from "../session/store.js";
import { builtinTools } from "../tools/builtin.js";
import { ToolRegistry } from "../tools/registry.js";
import { type ApprovalCallback, NO_ONE_IS_HERE, type Tool, type UserInputCallback } from "../tools/tool.js";
import { SessionChanges } from "../workspace/session-changes.js";
import { onCompactionClient } from "./compaction-model.js";
import type { RuntimeConfig } from "./config/resolve.js";
import type { ConfigToml } from "./config/schema.js";
import { SetupError } from "./errors.js";
import { attachMcp } from "./mcp-attach.js";
import { buildSessionModels, type FallbackRecord } from "./model-gateway.js";
import type { OssReporter } from "./oss/progress.js";
import { Session } from "./session.js";
import { resolveWebSearch, type WebSearchRequest } from "./web-search.js";

/** What the host needs from its surroundings. Everything has a default but `home`, `env` and `version`. */
export type HostDeps = {
  /** `$NIGHTSHIFT_HOME`: config, sessions, scratch space. */
  home: string;
  env: NodeJS.ProcessEnv;
  /** The face's version, sent to providers and MCP servers and stored in sessions. */
  version: string;
  /** Asked before side effects the policy does not allow on its own; default: deny (no one is there). */
  approve?: ApprovalCallback;
  /**
   * Asks the person at the face a question (the request_user_input tool); default: no one is
   * here, and the model is told to decide itself. Never left waiting on a headless face.
   */
  requestUserInput?: UserInputCallback;
  clock?: Clock;
  random?: () => number;
  newId?: () => string;
  /** The wire client for a provider (default: Responses or Chat Completions over node:http). */
  createClient?: (provider: ProviderInfo) => ModelClient;
  /** Where sessions are stored (default: JSONL files under `home/sessions`). */
  store?: SessionStore;
  /** Where `--oss` set-up reports progress (default: nowhere). */
  ossReporter?: OssReporter;
  /**
   * One circuit breaker per provider, shared by every session given the same instance (a run's
   * segments, a server's sessions), so a provider one session found down is rested for all.
   * Default: one set per session.
   */
  circuitBreakers?: CircuitBreakers;
};

/** Tools and hooks a face or the runner adds to a session (e.g. a run's `submit_plan`). */
export type SessionExtensions = {
  tools?: Tool[];
  hooks?: TurnHooks[];
};

const denyAll: ApprovalCallback = async () => "denied";

export function storeOf(deps: HostDeps): SessionStore {
  return deps.store ?? new JsonlSessionStore(deps.home, () => new Date((deps.clock ?? systemClock).now()));
}

/**
 * Builds a ready session from resolved configuration: sandbox probe, MCP servers, tools, model
 * client, AGENTS.md, compaction, and the stored log (new, or the resumed session's).
 */
export async function buildSession(args: {
  runtime: RuntimeConfig;
  deps: HostDeps;
  resume?: SessionRef;
  outputSchema?: Record<string, unknown>;
  maxOutputTokens?: number;
  extensions?: SessionExtensions;
  recordChanges?: boolean;
  /** The role of the session's requests in its usage breakdown (default "work"). */
  role?: string;
  /** What the face asked of web search (`--search`); absent: config.toml's `web_search`. */
  webSearch?: WebSearchRequest;
}): Promise<Session> {
  const { runtime, deps } = args;
  const env = deps.env;
  const clock = deps.clock ?? systemClock;
  // Config and sessions must stay out of the sandbox's reach, wherever NIGHTSHIFT_HOME lives
  // (and it must exist: a protected path that does not exist cannot be protected).
  try {
    makeDirectory(deps.home);
  } catch (err) {
    throw new SetupError(`cannot create ${deps.home}: ${describeCause(err)}`);
  }
  const policy = {
    ...runtime.sandbox,
    protectedPaths: [...(runtime.sandbox.protectedPaths ?? []), deps.home],
  };
  const probe = await probeSandbox({
    env,
    cwd: runtime.cwd,
    // No sandbox program is taken from anywhere a sandboxed command could write.
    untrusted: writableRoots({ ...policy, mode: "workspace-write" }, runtime.cwd, env),
  });
  const sandboxProblem = assertSandboxUsable(runtime.sandbox.mode, probe);
  if (sandboxProblem) throw new SetupError(sandboxProblem);
  // The real paths of the workspace, the writable roots and what is protected, pinned once.
  const pins = new SessionPins();
  if (policy.mode === "workspace-write" && probe.available) {
    const pinProblem = pinSessionPaths(policy, runtime.cwd, env, pins);
    if (pinProblem) throw new SetupError(pinProblem);
  }

  const settingsToml = runtime.settings;
  const retryLimits = {
    requestMaxRetries: runtime.provider.requestMaxRetries,
    streamMaxRetries: runtime.provider.streamMaxRetries,
  };
  let sessionModel = () => runtime.model;
  // The primary model and its fallbacks, the compaction model, and config's view of each model.
  const models = buildSessionModels(
    runtime,
    { ...deps, now: () => clock.now(), clock, breakers: deps.circuitBreakers },
    () => retryLimits,
    () => sessionModel(),
  );
  const info = models.describe(runtime.model);
  const priceOf = models.priceOf;
  const warnings: string[] = [...models.warnings];
  if (!info.known) {
    warnings.push(
      `model "${runtime.model}" is not in nightshift's catalogue: assuming a ${info.contextWindow.toLocaleString("en-US")}-token context window, no parallel tool calls${info.reasoning ? ", reasoning (dropped if the server refuses it)" : ""}${info.prices ? "" : " and unknown prices"}. Set model_context_window (and model_*_price_per_million) in config.toml, or a [models."${runtime.model}"] entry, to correct this.`,
    );
  }

  const mcp = await attachMcp(runtime, env, clock, deps.version);
  const closers: (() => Promise<void> | void)[] = [() => mcp.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
  };
  try {
    warnings.push(...mcp.warnings);
    if (mcp.manager?.capWarning) warnings.push(mcp.manager.capWarning);
    // Chat Completions carries only function tools: the freeform apply_patch cannot be offered
    // when any of the session's models is reached that way.
    const applyPatch = models.chatWire ? "function" : info.applyPatch;
    const search = resolveWebSearch({
      configured: settingsToml.web_search,
      request: args.webSearch ?? { explicit: false },
      provider: runtime.provider,
      model: runtime.model,
      policy,
    });
    if (search.warning) warnings.push(search.warning);
    const tools = new ToolRegistry([
      // Chat Completions tool messages carry text only: view_image needs the Responses wire.
      ...builtinTools({
        applyPatch,
        webSearch: search.mode,
        viewImage: info.imageInput && runtime.provider.wireApi === "responses",
      }),
      ...(args.extensions?.tools ?? []),
      ...mcp.initialTools,
    ]);
    const client = models.client;

    const agentsMd = discoverAgentsMd({
      home: deps.home,
      cwd: runtime.cwd,
      maxBytes: runtime.toml.project_doc_max_bytes,
      rootMarkers: runtime.toml.project_root_markers,
      fallbackFilenames: runtime.toml.project_doc_fallback_filenames,
    });
    warnings.push(...agentsMd.warnings);
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    const sources = () => ({
      developerInstructions: settingsToml.developer_instructions,
      agentsMd: agentsMd.text,
      shell: path.basename(env.SHELL || "bash"),
      timezone,
      currentDate: localDate(clock.now(), timezone),
    });

    const settings: TurnSettings = {
      model: runtime.model,
      cwd: runtime.cwd,
      policy,
      approvalPolicy: runtime.approvalPolicy,
      parallelToolCalls: info.parallelToolCalls,
      reasoning: info.reasoning
        ? {
            effort: settingsToml.model_reasoning_effort ?? info.defaultReasoningEffort,
            summary: settingsToml.model_reasoning_summary ?? "auto",
          }
        : undefined,
      verbosity: settingsToml.model_verbosity,
      outputSchema: args.outputSchema,
      retryLimits,
      outputBudgetBytes: modelOutputBudgetBytes(info, settingsToml.tool_output_token_limit),
      contextWindow: info.contextWindow,
      maxOutputTokens: args.maxOutputTokens,
      modelMaxOutputTokens: info.maxOutputTokens,
    };

    const store = storeOf(deps);
    const newId = deps.newId ?? randomUUID;
    let loaded: LoadedSession | null = null;
    let log: SessionLog;
    let sessionId: string;
    let instructions: string;
    if (args.resume) {
      ({ loaded, log } = openStored(store, args.resume));
      sessionId = loaded.meta.id;
      instructions = loaded.meta.instructions;
      if (loaded.skippedLines > 0)
        warnings.push(`skipped ${loaded.skippedLines} unreadable line(s) in ${log.path}`);
      if (loaded.droppedOrphanOutputs > 0)
        warnings.push(
          `dropped ${loaded.droppedOrphanOutputs} tool output(s) in ${log.path} whose call was lost (a damaged line)`,
        );
      if (loaded.meta.tools.join(",") !== tools.names.join(","))
        warnings.push(
          "the tool list differs from the one this session started with; the prompt cache will miss once",
        );
    } else {
      sessionId = newId();
      instructions = settingsToml.model_instructions_file
        ? readInstructionsFile(settingsToml.model_instructions_file, runtime.cwd)
        : BASE_INSTRUCTIONS;
      log = createStored(store, {
        id: sessionId,
        created_at: new Date(clock.now()).toISOString(),
        cwd: runtime.cwd,
        model: runtime.model,
        model_provider: runtime.provider.id,
        instructions,
        tools: tools.names,
        cli_version: deps.version,
      });
    }
    closers.push(() => log.close());

    const envPolicy = shellEnvironmentPolicy(runtime.toml.shell_environment_policy);
    const lifetime = lifetimeWrapper(
      (program) =>
        findSystemProgram(
          program,
          env.PATH ?? "",
          writableRoots({ ...policy, mode: "workspace-write" }, runtime.cwd, env),
        ),
      process.getuid?.(),
    );
    const ptySessions = new PtySessionManager({
      sandbox: probe,
      env,
      pins,
      envPolicy,
      lifetimeWrapper: lifetime,
      clock,
    });
    closers.push(() => ptySessions.close());
    let bashParser: Promise<BashParser | undefined> | null = null;
    const compaction = onCompactionClient(
      autoCompactHooks({
        limitTokens: autoCompactLimit(info.contextWindow, settingsToml.model_auto_compact_token_limit),
        preferRemote: models.remoteCompaction,
        initialContext: (scope) => buildInitialContext(scope.settings, sources()),
      }),
      models.compactionClient,
    );
    const agent = new Agent({
      sessionId,
      instructions,
      settings,
      history: new History(loaded?.history ?? []),
      deps: {
        client,
        tools,
        rollout: log,
        runCommand: createCommandRunner({
          sandbox: probe,
          env,
          pins,
          envPolicy,
          lifetimeWrapper: lifetime,
          clock,
        }),
        approve: deps.approve ?? denyAll,
        requestUserInput: deps.requestUserInput ?? NO_ONE_IS_HERE,
        clock,
        random: deps.random ?? Math.random,
        env,
        scratchDir: scratchDirFor(deps.home, sessionId),
        newId,
        ledger: new UsageLedger(priceOf, loaded?.usage ?? [], { defaultRole: args.role }),
        priceOf,
        approvalCache: new ApprovalCache(),
        ptySessions,
        loginShell: new LoginShellSnapshot(),
        bashParser: () => {
          bashParser ??= loadBashParser().catch(() => undefined);
          return bashParser;
        },
        firstSeq: (loaded?.lastSeq ?? 0) + 1,
      },
      hooks: composeHooks(
        models.hooks,
        contextHooks({ sources, lastTurnContext: loaded?.lastTurnContext ?? null }),
        compaction,
        mcp.hooks,
        ...(args.extensions?.hooks ?? []),
      ),
    });
    if (loaded) for (const item of missingOutputs(loaded)) agent.record(item);
    sessionModel = () => agent.settings.model;
    const fallbacks: FallbackRecord[] = [];
    models.connect(
      (event) => agent.emit(event),
      (record) => fallbacks.push(record),
    );
    return new Session({
      agent,
      store,
      ref: { id: sessionId, path: log.path, cwd: loaded?.meta.cwd ?? runtime.cwd },
      resumed: loaded !== null,
      warnings,
      runtime,
      model: info,
      models: { describe: models.describe, fallbackLabels: models.fallbackLabels, fallbacks },
      close: closeAll,
      env,
      changes:
        args.recordChanges === false
          ? undefined
          : new SessionChanges({ home: deps.home, cwd: runtime.cwd, sessionId, now: () => clock.now() }),
      mcpServers: () =>
        (mcp.manager?.connections ?? []).map((c) => ({
          name: c.name,
          status: c.status,
          ...(c.error ? { error: c.error } : {}),
          tools: c.tools.map((tool) => tool.name),
        })),
    });
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function openStored(store: SessionStore, ref: SessionRef) {
  try {
    return store.open(ref);
  } catch (err) {
    throw new SetupError((err as Error).message);
  }
}

function createStored(store: SessionStore, meta: Parameters<SessionStore["create"]>[0]): SessionLog {
  try {
    return store.create(meta);
  } catch (err) {
    throw new SetupError((err as Error).message);
  }
}

function scratchDirFor(home: string, id: string): string {
  const dir = path.join(home, "scratch", id);
  try {
    makeDirectory(dir);
  } catch (err) {
    throw new SetupError(`cannot create the scratch folder ${dir}: ${describeCause(err)}`);
  }
  return dir;
}

function readInstructionsFile(file: string, cwd: string): string {
  const full = path.resolve(cwd, file);
  try {
    return fs.readFileSync(full, "utf8");
  } catch (err) {
    throw new SetupError(`model_instructions_file: cannot read ${full}: ${(err as Error).message}`);
  }
}

/**
 * Tool calls of a killed process that have no output in history: the output the tool recorded
 * before the crash, or "aborted". Appended at the end so the stored prefix is untouched.
 */
function missingOutputs(loaded: LoadedSession): ResponseItem[] {
  const answered = new Set<string>();
  for (const item of loaded.history) {
    if (item.type === "function_call_output" || item.type === "custom_tool_call_output")
      answered.add(item.call_id);
  }
  const repairs: ResponseItem[] = [];
  for (const item of loaded.history) {
    if (!isToolCall(item) || answered.has(item.call_id)) continue;
    repairs.push(loaded.pendingOutputs.get(item.call_id) ?? outputItemFor(item, "aborted"));
  }
  return repairs;
}

/** config.toml's `[shell_environment_policy]` in the engine's terms (absent: the safe default). */
function shellEnvironmentPolicy(
  toml: ConfigToml["shell_environment_policy"],
): ShellEnvironmentPolicy | undefined {
  if (!toml) return undefined;
  return {
    inherit: toml.inherit,
    ignoreDefaultExcludes: toml.ignore_default_excludes,
    exclude: toml.exclude,
    set: toml.set,
    includeOnly: toml.include_only,
  };
}
