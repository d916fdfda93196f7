import type { ApprovalDecision, ToolDisplay } from "@nightshift/core";

/** A tool call as the interface shows it, while it runs and once it is done. */
export type ToolCallView = {
  callId: string;
  name: string;
  display?: ToolDisplay;
  status: "running" | "done";
  success?: boolean;
  /** What the model was told (shown when the display says little). */
  output?: string;
  /** The last lines of live output while it runs. */
  tail: string[];
  /** Lines of live output so far (including those no longer in `tail`). */
  lines: number;
  /** The last line of `tail` has not ended yet. */
  partial?: boolean;
};

/** Key/value rows (`/status`, `/mcp`). */
export type Row = { label: string; value: string };

/**
 * One finished piece of the transcript. Cells are written once to the terminal's scrollback
 * (Ink's <Static>) and never redrawn.
 */
export type Cell = { key: string } & (
  | { type: "header"; sessionId: string; model: string; cwd: string; resumed: boolean; version: string }
  | { type: "user"; text: string }
  /**
   * A finished part of the agent's message: `first` for the part that starts a message, `gap`
   * when a blank line separated it from the part before.
   */
  | { type: "agent"; markdown: string; first: boolean; gap?: boolean }
  | { type: "reasoning"; text: string }
  | { type: "tool"; call: ToolCallView }
  | { type: "approval"; summary: string; decision: ApprovalDecision }
  | { type: "notice"; level: "info" | "warning" | "error"; text: string }
  | { type: "rows"; title: string; rows: Row[] }
  | { type: "diff"; title: string; diff: string }
);

export type CellBody = Cell extends infer C ? (C extends Cell ? Omit<C, "key"> : never) : never;
