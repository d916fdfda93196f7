import { z } from "zod";
import type { LoginShellSnapshot } from "../exec/login-shell.js";
import type { PtySessionManager } from "../exec/pty-sessions.js";
import type { ContentPart } from "../model/items.js";
import type { ApprovalCache } from "../sandbox/approval.js";
import type { BashParser } from "../sandbox/bash-script.js";
import type { ApprovalPolicy, SandboxPolicy } from "../sandbox/policy.js";
import type { Clock } from "../util/clock.js";

/** What a tool asks the approval callback. The engine forwards it to whichever face is listening. */
export type ApprovalRequest = {
  callId: string;
  kind: "exec" | "patch" | "mcp";
  /** One-line summary shown to the user, e.g. the command line. */
  summary: string;
  /** Why approval is needed (the model's justification, or the reason the engine asks). */
  reason?: string;
  command?: string[];
  cwd?: string;
  /** Files a patch touches. */
  files?: string[];
};

export type ApprovalDecision = "approved" | "approved_for_session" | "denied" | "abort";

/** Asked by tools before a side effect the policy does not allow on its own. */
export type ApprovalCallback = (request: ApprovalRequest) => Promise<ApprovalDecision>;

/** A question request_user_input puts to the person at the face. */
export type UserInputRequest = {
  callId: string;
  /** A short question. */
  question: string;
  /** Answers to choose from; the person may still answer in their own words. */
  choices?: string[];
};

/** The person's answer: given, refused, or nobody there to ask (headless faces). */
export type UserInputResponse =
  | { status: "answered"; answer: string }
  | { status: "declined" }
  | { status: "unavailable" };

/**
 * Asks the person at the face (the TUI's prompt, an MCP client's elicitation). `signal` aborts
 * when the turn is interrupted: the question is then withdrawn.
 */
export type UserInputCallback = (
  request: UserInputRequest,
  signal: AbortSignal,
) => Promise<UserInputResponse>;

/** The answer of a face with no one to ask: `exec`, `run`, any host that sets no callback. */
export const NO_ONE_IS_HERE: UserInputCallback = async () => ({ status: "unavailable" });

/** Streaming progress a tool may report while it runs (e.g. command output). */
export type ToolProgress = { type: "output_delta"; text: string };

/** Runs a command, sandboxed per policy. Provided by the sandbox module, injected into tools. */
export type CommandRunner = (request: CommandRequest) => Promise<CommandResult>;

export type CommandRequest = {
  argv: string[];
  /** Where the command runs. */
  cwd: string;
  /**
   * The session's working directory: the workspace the sandbox makes writable. Never the
   * command's own `cwd` (a model-chosen `workdir` must not widen what may be written).
   */
  sandboxCwd: string;
  env?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Run under this policy; `danger-full-access` (or an approved escalation) runs unsandboxed. */
  policy: SandboxPolicy;
  /** Maximum bytes of output kept in memory (head and tail are kept). */
  maxOutputBytes?: number;
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  /** Write the full output to this file as it arrives (for outputs too long to keep). */
  spillFile?: string;
  tty?: boolean;
};

export type CommandResult = {
  exitCode: number | null;
  signal: string | null;
  /** stdout and stderr interleaved in arrival order (capped). */
  output: string;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** Total bytes the command wrote, including what the cap dropped. */
  totalBytes: number;
  /** Total lines the command wrote, including what the cap dropped. */
  totalLines: number;
  /** Set when the full output could not be written to the requested spill file. */
  spillError?: string;
  /** Set when the sandbox itself could not start the command. */
  sandboxError?: string;
};

/** Everything a tool may use, passed in by the engine. No globals. */
export type ToolContext = {
  callId: string;
  cwd: string;
  signal: AbortSignal;
  policy: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  approve: ApprovalCallback;
  /** Asks the person at the face a question (request_user_input), on this call's signal; absent: no one is here. */
  requestUserInput?: (request: Omit<UserInputRequest, "callId">) => Promise<UserInputResponse>;
  /** What the user approved "for this session". */
  approvalCache: ApprovalCache;
  /** The bash parser for command analysis, loaded on first use; undefined if it cannot load. */
  bashParser: () => Promise<BashParser | undefined>;
  runCommand: CommandRunner;
  env: NodeJS.ProcessEnv;
  /** Directory where tools may spill long outputs (session scoped). */
  scratchDir: string;
  /** Per-model output budget in bytes for what the model sees. */
  outputBudgetBytes: number;
  progress: (event: ToolProgress) => void;
  /** The session's clock: tools time their work with it (timeouts, wall times). */
  clock?: Clock;
  /** The session's interactive processes (shell with `tty`, write_stdin); absent where there are none. */
  ptySessions?: PtySessionManager;
  /**
   * The session's login-shell snapshot (one per session): `bash -lc` commands load it instead of
   * running the login profile each time. Absent: they run as they are.
   */
  loginShell?: LoginShellSnapshot;
};

/** One file of a patch as a face shows it. */
export type FileChangeDisplay = {
  path: string;
  kind: "add" | "delete" | "update";
  movePath?: string;
  /** The change as unified-diff lines (`+`, `-`, ` `, `@@`), capped for display. */
  diff: string;
};

export type CommandStatus = "completed" | "failed" | "declined" | "running";

/**
 * What a face shows of a tool call, by kind: faces render a kind, never a tool name, so a new
 * tool (or an MCP server's) shows up without any face knowing it.
 */
export type ToolDisplay =
  | {
      kind: "command";
      command: string;
      exitCode: number | null;
      /** The output as the face shows it (head and tail of long output). */
      output: string;
      status: CommandStatus;
      durationMs?: number;
      /** A terminal session still running (poll with write_stdin). */
      sessionId?: number;
    }
  | {
      kind: "patch";
      changes: FileChangeDisplay[];
      status: "completed" | "failed" | "declined" | "running";
      error?: string;
    }
  | { kind: "plan"; explanation: string | null; steps: { step: string; status: string }[] }
  | { kind: "mcp"; server: string; tool: string; arguments: unknown; result?: unknown; error?: string }
  | {
      kind: "read";
      path: string;
      startLine?: number;
      endLine?: number;
      totalLines?: number | null;
      truncated?: boolean;
      binary?: boolean;
    }
  | { kind: "search"; pattern: string; path: string; matches: number; files: number }
  | { kind: "list"; path: string; entries: number; more: boolean }
  /** A question to the user (request_user_input) and how it was answered. */
  | {
      kind: "question";
      question: string;
      choices?: string[];
      status: "waiting" | "answered" | "declined" | "unavailable";
      answer?: string;
    }
  /** A search the provider ran (hosted web search): `action` is search, open_page or find. */
  | {
      kind: "web_search";
      query: string;
      action?: string;
      url?: string;
      status: "searching" | "completed" | "failed";
    };

export type ToolResult = {
  /** What the model sees (and faces show). */
  output: string;
  /**
   * What the model sees instead of `output` when it is more than text (view_image's image): the
   * output item then carries these content parts. Function tools only.
   */
  content?: ContentPart[];
  success: boolean;
  /** Structured details for the faces (JSON events, UI). Never sent to the model. */
  display?: ToolDisplay;
};

type ToolCommon = {
  name: string;
  description: string;
  /** Read-only tools may run in parallel with each other; others run one at a time. */
  readOnly: boolean;
};

/** What a face shows when a call starts, from its input (a running command, a patch, a plan…). */
type Describe<I> = { describe?(input: I): ToolDisplay | undefined };

export type FunctionTool<S extends z.ZodType = z.ZodType> = ToolCommon &
  Describe<z.infer<S>> & {
    kind: "function";
    parameters: S;
    /**
     * The parameters' JSON Schema as sent to the model, when it comes from elsewhere (an MCP
     * server's inputSchema) rather than from `parameters`, which then only checks the shape.
     */
    jsonSchema?: Record<string, unknown>;
    execute(args: z.infer<S>, ctx: ToolContext): Promise<ToolResult>;
  };

export type CustomTool = ToolCommon &
  Describe<string> & {
    kind: "custom";
    format: { type: "grammar"; syntax: "lark"; definition: string };
    execute(input: string, ctx: ToolContext): Promise<ToolResult>;
  };

/**
 * A tool the provider runs itself (the Responses API's `web_search`): only its spec is sent; the
 * model's use of it comes back as output items of its own, never as a call for us to run.
 */
export type HostedTool = ToolCommon & { kind: "hosted"; spec: HostedToolSpec };

// biome-ignore lint/suspicious/noExplicitAny: a registry holds tools of any schema
export type Tool = FunctionTool<any> | CustomTool | HostedTool;

export function defineFunctionTool<S extends z.ZodType>(
  tool: Omit<FunctionTool<S>, "kind">,
): FunctionTool<S> {
  return { ...tool, kind: "function" };
}

export function defineCustomTool(tool: Omit<CustomTool, "kind">): CustomTool {
  return { ...tool, kind: "custom" };
}

/** The spec of a provider-hosted tool, as sent. */
export type HostedToolSpec = { type: "web_search"; external_web_access: boolean };

/** The JSON sent in the request's `tools` array. Key order is fixed for cache stability. */
export type ToolSpec =
  | HostedToolSpec
  | {
      type: "function";
      name: string;
      description: string;
      strict: false;
      parameters: Record<string, unknown>;
    }
  | { type: "custom"; name: string; description: string; format: CustomTool["format"] };

export function toolSpec(tool: Tool): ToolSpec {
  if (tool.kind === "hosted") return tool.spec;
  if (tool.kind === "custom") {
    return { type: "custom", name: tool.name, description: tool.description, format: tool.format };
  }
  if (tool.jsonSchema) {
    const { type: _type, properties, ...rest } = tool.jsonSchema;
    const parameters = { type: "object", properties: properties ?? {}, ...rest };
    return { type: "function", name: tool.name, description: tool.description, strict: false, parameters };
  }
  const schema = z.toJSONSchema(tool.parameters, { target: "draft-7", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete schema.$schema;
  return {
    type: "function",
    name: tool.name,
    description: tool.description,
    strict: false,
    parameters: schema,
  };
}

/** Parses model-supplied JSON arguments; the error text is what the model sees. */
export function parseToolArguments<S extends z.ZodType>(
  tool: FunctionTool<S>,
  raw: string,
): { ok: true; value: z.infer<S> } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch (err) {
    return { ok: false, error: `failed to parse function arguments as JSON: ${(err as Error).message}` };
  }
  const parsed = tool.parameters.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
    return { ok: false, error: `invalid arguments for ${tool.name}: ${issues}` };
  }
  return { ok: true, value: parsed.data };
}
