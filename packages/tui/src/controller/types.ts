import type {
  ApprovalRequest,
  HostDeps,
  SessionQuery,
  SessionSpec,
  UserInputRequest,
} from "@nightshift/core";
import type { PromptHistory } from "../input/prompt-history.js";
import type { Cell } from "../state/cells.js";
import type { FooterInfo } from "../state/status.js";
import type { LiveView } from "../state/transcript.js";
import type { Checkpoints } from "../workspace/checkpoints.js";
import type { FileIndex } from "../workspace/file-index.js";
import type { RunGit } from "../workspace/git.js";

/** What is running, for the spinner line. */
export type Busy = { kind: "turn" | "compact" | "shell" | "session"; label: string; since: number };

/** A list to choose from (sessions, reasoning efforts, approval presets). */
export type Picker = {
  title: string;
  items: { label: string; detail?: string; value: string }[];
  initial: number;
  choose(value: string): void;
  /** Esc: the picker is gone without a choice. */
  cancel?(): void;
};

export type TuiSnapshot = {
  cells: readonly Cell[];
  live: LiveView;
  busy: Busy | null;
  retry: string | null;
  approval: ApprovalRequest | null;
  /** A question of the model's waiting for the person's answer. */
  question: UserInputRequest | null;
  picker: Picker | null;
  queued: readonly string[];
  footer: FooterInfo | null;
  exitRequested: boolean;
};

export type OpenHow = { kind: "new" } | { kind: "resume"; query: SessionQuery | { last: true; all: true } };

export type ControllerDeps = {
  spec: SessionSpec;
  host: Omit<HostDeps, "approve" | "requestUserInput">;
  env: NodeJS.ProcessEnv;
  git: RunGit;
  history: PromptHistory;
  files: FileIndex;
  checkpoints: Checkpoints;
  now: () => number;
  /** Runs a notification soon (coalescing many events into one redraw). */
  schedule: (run: () => void) => void;
};
