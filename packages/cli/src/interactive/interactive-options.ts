/** Parsed options of `nightshift [prompt]` and `nightshift resume` (commander's camel-cased names). */
export type InteractiveOptions = {
  prompt?: string;
  /** `nightshift resume`: an id, the latest (of this folder, or of all with --all), or a picker. */
  resume?: { id: string } | { last: true } | { last: true; all: true } | "pick";
  model?: string;
  /** `--fallback-model`, in order. */
  fallbackModel?: string[];
  profile?: string;
  config: string[];
  cd?: string;
  sandbox?: "read-only" | "workspace-write" | "danger-full-access";
  askForApproval?: "untrusted" | "on-failure" | "on-request" | "never";
  fullAuto?: boolean;
  dangerouslyBypassApprovalsAndSandbox?: boolean;
  oss?: boolean;
  localProvider?: "ollama" | "lmstudio";
  fullscreen?: boolean;
  addDir?: string[];
  strictConfig?: boolean;
  /** `--search`: live web search for this session. */
  search?: boolean;
  /** `-i/--image`: image files attached to the first message. */
  image?: string[];
};
