/** Parsed options of `nightshift exec` (commander's camel-cased names). */
export type ExecOptions = {
  prompt?: string;
  resume?: { id: string } | { last: true } | { last: true; all: true };
  model?: string;
  /** `--fallback-model`, in order. */
  fallbackModel?: string[];
  profile?: string;
  config?: string[];
  cd?: string;
  sandbox?: "read-only" | "workspace-write" | "danger-full-access";
  askForApproval?: "untrusted" | "on-failure" | "on-request" | "never";
  fullAuto?: boolean;
  dangerouslyBypassApprovalsAndSandbox?: boolean;
  json?: boolean;
  /** Codex's older name of --json (the Codex SDK passes it). */
  experimentalJson?: boolean;
  color?: "always" | "never" | "auto";
  addDir?: string[];
  strictConfig?: boolean;
  outputLastMessage?: string;
  outputSchema?: string;
  oss?: boolean;
  localProvider?: "ollama" | "lmstudio";
  compact?: boolean;
  skipGitRepoCheck?: boolean;
  /** `--search`: live web search for this session. */
  search?: boolean;
  /** `-i/--image`: image files attached to the prompt. */
  image?: string[];
};

export type ExecIo = {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
};
