import fs from "node:fs";
import path from "node:path";
import {
  type ApprovalPolicy,
  listSessions,
  type ReasoningEffort,
  type SandboxMode,
  type Session,
} from "@nightshift/core";
import type { SlashCommand } from "../commands/slash-commands.js";
import { statusRows } from "../state/status.js";
import { workspaceDiff } from "../workspace/workspace-diff.js";
import type { TuiController } from "./controller.js";

const EFFORTS: ReasoningEffort[] = ["minimal", "low", "medium", "high", "xhigh"];

/** What `/approvals` offers: a sandbox and an approval policy together. */
export const APPROVAL_PRESETS: {
  id: string;
  label: string;
  detail: string;
  sandbox: SandboxMode;
  approvalPolicy: ApprovalPolicy;
}[] = [
  {
    id: "read-only",
    label: "Read only",
    detail: "reads files; asks before changing anything or using the network",
    sandbox: "read-only",
    approvalPolicy: "on-request",
  },
  {
    id: "auto",
    label: "Auto",
    detail: "edits and runs commands in this folder; asks to go beyond it",
    sandbox: "workspace-write",
    approvalPolicy: "on-request",
  },
  {
    id: "untrusted",
    label: "Ask first",
    detail: "asks before any command that is not known to be safe",
    sandbox: "workspace-write",
    approvalPolicy: "untrusted",
  },
  {
    id: "full-access",
    label: "Full access",
    detail: "no sandbox, never asks (only inside a machine you can throw away)",
    sandbox: "danger-full-access",
    approvalPolicy: "never",
  },
];

/** The instructions /init gives the model. */
export const INIT_PROMPT = `Write an AGENTS.md file at the root of this folder for coding agents who will work here.
Look around first (the README, build and test configuration, the layout of the source) and keep it short:
- what the project is and how the code is laid out,
- the exact commands to build, test, lint and format,
- the conventions a change must follow (style, naming, tests, commit messages),
- anything surprising an agent should know before changing code.
Only write what you found evidence for; do not invent commands.`;

/** Commands that change the session wait for the running turn; the others run at once. */
const WAIT_FOR_IDLE = new Set(["model", "approvals", "compact", "new", "resume", "undo", "init"]);

export async function runSlashCommand(c: TuiController, command: SlashCommand): Promise<void> {
  const session = c.session;
  if (!session) return;
  if (c.busy && WAIT_FOR_IDLE.has(command.name)) {
    c.add({
      type: "notice",
      level: "warning",
      text: `/${command.name} waits until the current turn ends (Esc interrupts it).`,
    });
    return;
  }
  switch (command.name) {
    case "model":
      return model(c, session, command.args);
    case "approvals":
      return approvals(c, session, command.args);
    case "status":
      c.add({
        type: "rows",
        title: "Status",
        rows: statusRows(session, { undoable: c.deps.checkpoints.depth, home: c.deps.host.home }),
      });
      return;
    case "diff": {
      const result = await workspaceDiff(session.settings.cwd, c.deps.git);
      if (!result.ok) c.add({ type: "notice", level: "warning", text: result.message });
      else if (result.diff.trim() === "")
        c.add({ type: "notice", level: "info", text: "No changes in the workspace." });
      else
        c.add({
          type: "diff",
          title: `${result.files} file${result.files === 1 ? "" : "s"} changed`,
          diff: result.diff,
        });
      return;
    }
    case "undo":
      return undo(c);
    case "compact":
      c.startJob("compact", "Compacting", async (signal) => {
        for await (const event of session.compact(signal)) c.onEvent(event);
      });
      return;
    case "new":
      return c.switchTo({ kind: "new" }, specFrom(c, session));
    case "resume":
      return resumePicker(c, session);
    case "init": {
      const file = path.join(session.settings.cwd, "AGENTS.md");
      if (fs.existsSync(file)) {
        c.add({
          type: "notice",
          level: "info",
          text: `${file} already exists: edit it, or remove it and run /init again.`,
        });
        return;
      }
      c.startTurn(INIT_PROMPT, "/init");
      return;
    }
    case "mcp":
      return mcp(c, session);
    case "quit":
      c.requestExit();
      return;
  }
}

function model(c: TuiController, session: Session, args: string[]): void {
  const apply = (change: { model?: string; reasoningEffort?: ReasoningEffort }) => {
    try {
      session.updateSettings(change);
    } catch (err) {
      c.add({ type: "notice", level: "error", text: (err as Error).message });
      return;
    }
    const settings = session.settings;
    const effort = settings.reasoning ? `, reasoning ${settings.reasoning.effort ?? "default"}` : "";
    c.add({
      type: "notice",
      level: "info",
      text: `Model: ${settings.model}${effort} (from the next turn on)`,
    });
    c.refreshFooter();
  };
  const isEffort = (arg: string | undefined): arg is ReasoningEffort =>
    EFFORTS.includes(arg as ReasoningEffort);
  if (args.length > 0) {
    const [first, second] = args;
    if (isEffort(first) && args.length === 1) {
      apply({ reasoningEffort: first });
      return;
    }
    if (second !== undefined && !isEffort(second)) {
      c.add({
        type: "notice",
        level: "error",
        text: `unknown reasoning effort "${second}": use one of ${EFFORTS.join(", ")}`,
      });
      return;
    }
    apply({ model: first, ...(second ? { reasoningEffort: second } : {}) });
    return;
  }
  const settings = session.settings;
  if (!settings.reasoning) {
    c.add({
      type: "notice",
      level: "info",
      text: `Model: ${settings.model} (no reasoning effort). Switch with /model NAME [effort].`,
    });
    return;
  }
  const current = settings.reasoning.effort ?? "medium";
  c.openPicker({
    title: `Reasoning effort for ${settings.model} (another model: /model NAME [effort])`,
    items: EFFORTS.map((effort) => ({
      label: effort,
      value: effort,
      detail: effort === current ? "current" : undefined,
    })),
    initial: Math.max(0, EFFORTS.indexOf(current)),
    choose: (value) => apply({ reasoningEffort: value as ReasoningEffort }),
  });
}

function approvals(c: TuiController, session: Session, args: string[]): void {
  const apply = (id: string) => {
    const preset = APPROVAL_PRESETS.find((entry) => entry.id === id);
    if (!preset) {
      c.add({
        type: "notice",
        level: "error",
        text: `unknown preset "${id}": use one of ${APPROVAL_PRESETS.map((entry) => entry.id).join(", ")}`,
      });
      return;
    }
    session.updateSettings({ sandbox: preset.sandbox, approvalPolicy: preset.approvalPolicy });
    c.add({
      type: "notice",
      level: "info",
      text: `Approvals: ${preset.label} (sandbox ${preset.sandbox}, approvals ${preset.approvalPolicy})`,
    });
    c.refreshFooter();
  };
  if (args[0]) {
    apply(args[0]);
    return;
  }
  const settings = session.settings;
  const current = APPROVAL_PRESETS.findIndex(
    (entry) => entry.sandbox === settings.policy.mode && entry.approvalPolicy === settings.approvalPolicy,
  );
  c.openPicker({
    title: "What may the agent do without asking?",
    items: APPROVAL_PRESETS.map((entry) => ({ label: entry.label, detail: entry.detail, value: entry.id })),
    initial: Math.max(0, current),
    choose: apply,
  });
}

async function undo(c: TuiController): Promise<void> {
  let result: Awaited<ReturnType<TuiController["deps"]["checkpoints"]["undoLast"]>>;
  try {
    result = await c.deps.checkpoints.undoLast();
  } catch (err) {
    c.add({ type: "notice", level: "error", text: `could not undo: ${(err as Error).message}` });
    return;
  }
  if (!result) {
    c.add({ type: "notice", level: "info", text: "Nothing to undo." });
    return;
  }
  const changed = [...result.restored, ...result.removed];
  if (changed.length === 0) {
    c.add({ type: "notice", level: "info", text: `The turn "${result.label}" changed no files.` });
    return;
  }
  const list = (files: string[]) => files.slice(0, 20).join(", ") + (files.length > 20 ? ", …" : "");
  const parts = [
    result.restored.length > 0 ? `restored ${list(result.restored)}` : "",
    result.removed.length > 0 ? `removed ${list(result.removed)}` : "",
  ].filter(Boolean);
  c.add({
    type: "notice",
    level: "info",
    text: `Undid the files of "${result.label}": ${parts.join("; ")}.`,
  });
  c.noteForModel(
    `<user_undo>The user undid the file changes of the turn "${result.label}": ${parts.join("; ")}. Those files are as they were before it.</user_undo>`,
  );
}

function resumePicker(c: TuiController, session: Session): void {
  const cwd = session.settings.cwd;
  const refs = listSessions(cwd, c.deps.host).filter((ref) => ref.id !== session.id);
  if (refs.length === 0) {
    c.add({ type: "notice", level: "info", text: `No other sessions of ${cwd}.` });
    return;
  }
  c.openPicker({
    title: `Sessions of ${cwd}, latest first`,
    items: refs.slice(0, 30).map((ref) => ({
      label: `${ref.updatedAt.replace("T", " ").slice(0, 16)}  ${ref.id}`,
      value: ref.id,
    })),
    initial: 0,
    // The resumed session keeps its own model and approvals unless the flags said otherwise.
    choose: (id) => void c.switchTo({ kind: "resume", query: { id } }, c.deps.spec),
  });
}

function mcp(c: TuiController, session: Session): void {
  const servers = session.mcpServers();
  if (servers.length === 0) {
    c.add({
      type: "notice",
      level: "info",
      text: "No MCP servers configured. Add one with: nightshift mcp add NAME -- COMMAND [ARGS…]",
    });
    return;
  }
  c.add({
    type: "rows",
    title: "MCP servers",
    rows: servers.map((server) => ({
      label: server.name,
      value:
        server.status === "ready"
          ? `ready · ${server.tools.length} tool${server.tools.length === 1 ? "" : "s"}: ${server.tools.join(", ") || "none"}`
          : `${server.status}${server.error ? `: ${server.error}` : ""}`,
    })),
  });
}

/** The spec of a new or resumed session: the flags, with the model and approvals chosen since. */
function specFrom(c: TuiController, session: Session) {
  const settings = session.settings;
  const effort = settings.reasoning?.effort;
  return {
    ...c.deps.spec,
    model: settings.model,
    sandbox: settings.policy.mode,
    approvalPolicy: settings.approvalPolicy,
    config: [...(c.deps.spec.config ?? []), ...(effort ? [`model_reasoning_effort="${effort}"`] : [])],
  };
}
