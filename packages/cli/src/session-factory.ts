import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  type AgentEvent,
  ApprovalCache,
  type ApprovalCallback,
  assertSandboxUsable,
  autoCompactHooks,
  autoCompactLimit,
  BASE_INSTRUCTIONS,
  type BashParser,
  buildInitialContext,
  builtinTools,
  composeHooks,
  contextHooks,
  createCommandRunner,
  discoverAgentsMd,
  findRollout,
  LoginShellSnapshot,
  loadBashParser,
  localDate,
  lookupModel,
  type ModelClient,
  modelOutputBudgetBytes,
  type OpenedSession,
  openSession,
  PtySessionManager,
  probeSandbox,
  systemClock,
  type Tool,
  ToolRegistry,
  type TurnHooks,
  usageSummaryLine,
} from "@nightshift/core";
import type { RuntimeConfig } from "./config/resolve.js";
import { createModelClient } from "./model-client.js";
import { VERSION } from "./version.js";

/** A problem found while setting up a session, shown to the user as is. */
export class SetupError extends Error {
  override name = "SetupError";
}

export type AgentSession = OpenedSession & {
  /** Compacts the history now (`exec --compact`), reporting what happened. */
  compact(signal: AbortSignal): AsyncGenerator<AgentEvent>;
  /** One line of tokens, cache hits, cost and context left. */
  summary(): string;
  close(): Promise<void>;
};

export type CreateSessionArgs = {
  runtime: RuntimeConfig;
  home: string;
  env: NodeJS.ProcessEnv;
  resumePath?: string;
  approve: ApprovalCallback;
  outputSchema?: Record<string, unknown>;
  /** Tools added after the built-ins (e.g. MCP tools), already in their stable order. */
  extraTools?: Tool[];
  /** More turn hooks (e.g. MCP servers whose tools arrive late), run after the built-in ones. */
  extraHooks?: TurnHooks[];
  /** Wire client override (tests, other wire formats). */
  client?: ModelClient;
};

export function findSessionFile(home: string, query: { id: string } | { last: true }): string {
  let file: string | null;
  try {
    file = findRollout(home, query);
  } catch (err) {
    throw new SetupError((err as Error).message);
  }
  if (!file) {
    throw new SetupError(
      "last" in query
        ? `no sessions found under ${path.join(home, "sessions")}`
        : `no session with id "${query.id}" under ${path.join(home, "sessions")}`,
    );
  }
  return file;
}

/** Builds the engine for one session from resolved configuration: sandbox, tools, model client, context. */
export async function createAgentSession(args: CreateSessionArgs): Promise<AgentSession> {
  const { runtime, env } = args;
  const settingsToml = runtime.settings;
  const probe = await probeSandbox({ env, cwd: runtime.cwd });
  const sandboxProblem = assertSandboxUsable(runtime.sandbox.mode, probe);
  if (sandboxProblem) throw new SetupError(sandboxProblem);

  const info = lookupModel(runtime.model, {
    contextWindow: settingsToml.model_context_window,
    maxOutputTokens: settingsToml.model_max_output_tokens,
    prices: {
      input: settingsToml.model_input_price_per_million,
      cachedInput: settingsToml.model_cached_input_price_per_million,
      output: settingsToml.model_output_price_per_million,
    },
  });
  // Configured prices apply to the configured model; other models of a resumed session use the catalogue.
  const priceOf = (model: string) => (model === runtime.model ? info.prices : lookupModel(model).prices);
  const warnings: string[] = [];
  if (!info.known) {
    warnings.push(
      `model "${runtime.model}" is not in nightshift's catalogue: assuming a ${info.contextWindow.toLocaleString("en-US")}-token context window, no parallel tool calls${info.prices ? "" : " and unknown prices"}. Set model_context_window (and model_*_price_per_million) in config.toml to correct this.`,
    );
  }
  // Chat Completions carries only function tools: the freeform apply_patch cannot be offered there.
  const applyPatch = runtime.provider.wireApi === "chat" ? "function" : info.applyPatch;
  const tools = new ToolRegistry([...builtinTools({ applyPatch }), ...(args.extraTools ?? [])]);
  const client = args.client ?? createModelClient(runtime.provider);

  const agentsMd = discoverAgentsMd({
    home: args.home,
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
    currentDate: localDate(systemClock.now(), timezone),
  });
  const instructions = settingsToml.model_instructions_file
    ? readInstructionsFile(settingsToml.model_instructions_file, runtime.cwd)
    : BASE_INSTRUCTIONS;

  const ptySessions = new PtySessionManager({ sandbox: probe, env });
  let bashParser: Promise<BashParser | undefined> | null = null;
  const limitTokens = autoCompactLimit(info.contextWindow, settingsToml.model_auto_compact_token_limit);
  const compaction = autoCompactHooks({
    limitTokens,
    preferRemote: runtime.provider.supportsRemoteCompaction,
    initialContext: (agent) => buildInitialContext(agent.settings, sources()),
  });
  const opened = openSession({
    home: args.home,
    instructions,
    providerId: runtime.provider.id,
    cliVersion: VERSION,
    priceOf,
    resumeFrom: args.resumePath,
    now: () => new Date(),
    settings: {
      model: runtime.model,
      cwd: runtime.cwd,
      // Config and sessions must stay out of the sandbox's reach, wherever NIGHTSHIFT_HOME lives.
      policy: { ...runtime.sandbox, protectedPaths: [...(runtime.sandbox.protectedPaths ?? []), args.home] },
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
      retryLimits: {
        requestMaxRetries: runtime.provider.requestMaxRetries,
        streamMaxRetries: runtime.provider.streamMaxRetries,
      },
      outputBudgetBytes: modelOutputBudgetBytes(info, settingsToml.tool_output_token_limit),
      contextWindow: info.contextWindow,
    },
    deps: {
      client,
      tools,
      runCommand: createCommandRunner({ sandbox: probe, env }),
      approve: args.approve,
      clock: systemClock,
      random: Math.random,
      env,
      newId: randomUUID,
      approvalCache: new ApprovalCache(),
      ptySessions,
      loginShell: new LoginShellSnapshot(),
      bashParser: () => {
        bashParser ??= loadBashParser().catch(() => undefined);
        return bashParser;
      },
    },
    hooks: (loaded) => {
      const context = contextHooks({ sources, lastTurnContext: loaded?.lastTurnContext ?? null });
      return composeHooks(context, compaction, ...(args.extraHooks ?? []));
    },
  });
  opened.warnings.unshift(...warnings);
  return {
    ...opened,
    compact: (signal) => opened.agent.compact(signal),
    summary: () =>
      usageSummaryLine(opened.agent.deps.ledger, info.contextWindow, opened.agent.contextTokens()),
    async close() {
      await ptySessions.close();
      opened.agent.deps.rollout.close();
    },
  };
}

function readInstructionsFile(file: string, cwd: string): string {
  const full = path.resolve(cwd, file);
  try {
    return fs.readFileSync(full, "utf8");
  } catch (err) {
    throw new SetupError(`model_instructions_file: cannot read ${full}: ${(err as Error).message}`);
  }
}
