import type { Session } from "@nightshift/core";
import type { Row } from "./cells.js";

/** What the footer shows under the prompt. */
export type FooterInfo = {
  model: string;
  effort: string | null;
  sandbox: string;
  approvals: string;
  /** Percent of the context window left, null before the first request. */
  contextLeft: number | null;
  cwd: string;
};

export function footerInfo(session: Session): FooterInfo {
  const settings = session.settings;
  const usage = session.usage();
  return {
    model: settings.model,
    effort: settings.reasoning?.effort ?? null,
    sandbox: settings.policy.mode,
    approvals: settings.approvalPolicy,
    contextLeft: usage.requests === 0 ? null : contextLeftPercent(usage.contextTokens, usage.contextWindow),
    cwd: settings.cwd,
  };
}

const count = (n: number) => n.toLocaleString("en-US");

/** `/status`: the session, its settings and what it has used. */
export function statusRows(session: Session, extra: { undoable: number; home: string }): Row[] {
  const settings = session.settings;
  const usage = session.usage();
  const total = usage.total;
  const reasoning = settings.reasoning
    ? ` (reasoning ${settings.reasoning.effort ?? "default"}, summaries ${settings.reasoning.summary ?? "auto"})`
    : "";
  return [
    { label: "Session", value: session.id },
    { label: "Folder", value: settings.cwd },
    { label: "Model", value: `${settings.model}${reasoning}` },
    { label: "Provider", value: session.providerId },
    {
      label: "Sandbox",
      value: `${settings.policy.mode}${settings.policy.mode === "workspace-write" ? (settings.policy.networkAccess ? ", network on" : ", network off") : ""}`,
    },
    { label: "Approvals", value: settings.approvalPolicy },
    {
      label: "Tokens",
      value: `${count(total.input_tokens)} in (${count(total.cached_input_tokens)} cached) · ${count(total.output_tokens)} out (${count(total.reasoning_output_tokens)} reasoning)`,
    },
    { label: "Cached", value: `${(usage.cacheHitRate * 100).toFixed(1)}% of input` },
    {
      label: "Cost",
      value: usage.costUsd === null ? "unknown (no prices for this model)" : `$${usage.costUsd.toFixed(4)}`,
    },
    {
      label: "Context",
      value: `${contextLeftPercent(usage.contextTokens, usage.contextWindow)}% left (${count(usage.contextTokens)} of ${count(usage.contextWindow)} tokens)`,
    },
    { label: "Requests", value: String(usage.requests) },
    {
      label: "Undo",
      value: extra.undoable === 0 ? "nothing to undo" : `${extra.undoable} turn(s) can be undone`,
    },
    { label: "Home", value: extra.home },
  ];
}

function contextLeftPercent(used: number, window: number): number {
  if (window <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((1 - used / window) * 100)));
}
