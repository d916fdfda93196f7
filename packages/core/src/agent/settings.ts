import type { UsageLedger } from "../context/ledger.js";
import type { LoginShellSnapshot } from "../exec/login-shell.js";
import type { PtySessionManager } from "../exec/pty-sessions.js";
import type { ModelPrices } from "../model/catalog.js";
import type { ModelClient, ReasoningEffort, ReasoningSummary } from "../model/client.js";
import type { ApprovalCache } from "../sandbox/approval.js";
import type { BashParser } from "../sandbox/bash-script.js";
import type { ApprovalPolicy, SandboxPolicy } from "../sandbox/policy.js";
import type { SessionLog } from "../session/store.js";
import type { ToolRegistry } from "../tools/registry.js";
import type { ApprovalCallback, CommandRunner, UserInputCallback } from "../tools/tool.js";
import type { Clock } from "./clock.js";

/** Settings of a session that may change between turns (each change is appended, never edited). */
export type TurnSettings = {
  model: string;
  cwd: string;
  policy: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  parallelToolCalls: boolean;
  reasoning?: { effort?: ReasoningEffort; summary?: ReasoningSummary };
  verbosity?: "low" | "medium" | "high";
  outputSchema?: Record<string, unknown>;
  retryLimits: { requestMaxRetries: number; streamMaxRetries: number };
  outputBudgetBytes: number;
  contextWindow: number;
  /** `max_output_tokens` sent with every request; absent: the model's own limit applies. */
  maxOutputTokens?: number;
  /** The model's own output limit: the worst case of a request without a cap, for budgets. */
  modelMaxOutputTokens?: number;
};

export type AgentDeps = {
  client: ModelClient;
  tools: ToolRegistry;
  rollout: SessionLog;
  runCommand: CommandRunner;
  approve: ApprovalCallback;
  /** Asks the person at the face (request_user_input); default: no one is here. */
  requestUserInput?: UserInputCallback;
  clock: Clock;
  random: () => number;
  env: NodeJS.ProcessEnv;
  scratchDir: string;
  newId: () => string;
  ledger: UsageLedger;
  /** Prices of a model, for projecting a request's cost before it is sent. */
  priceOf?: (model: string) => ModelPrices | null;
  /** What the user approved "for this session". */
  approvalCache: ApprovalCache;
  bashParser: () => Promise<BashParser | undefined>;
  /** Interactive processes of the session; whoever creates it closes it with the session. */
  ptySessions?: PtySessionManager;
  /** The session's login-shell snapshot for `bash -lc` commands (see `LoginShellSnapshot`). */
  loginShell?: LoginShellSnapshot;
  /** The seq of the session's first event (after a resume: one past the last persisted). */
  firstSeq?: number;
};
