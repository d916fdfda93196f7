import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { ApprovalDecision, ApprovalRequest } from "@nightshift/core";

const DECISIONS: readonly ApprovalDecision[] = ["approved", "approved_for_session", "denied", "abort"];

/** A person may take a while to answer; the SDK's default request timeout (60 s) is too short. */
const ELICITATION_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** The form the client shows: one choice among the engine's decisions. */
export const APPROVAL_SCHEMA = {
  type: "object" as const,
  properties: {
    decision: {
      type: "string" as const,
      title: "Decision",
      description:
        "approved: run it once; approved_for_session: and do not ask again this session; denied: refuse; abort: refuse and stop",
      enum: [...DECISIONS],
    },
  },
  required: ["decision"],
};

/**
 * Asks the MCP client about an approval through an elicitation (form mode). Without a client that
 * can answer, the request is denied, and the model is told so by the tool. `accept` takes the
 * chosen decision, `decline` denies, `cancel` aborts.
 */
export async function elicitApproval(
  server: Server,
  request: ApprovalRequest,
  signal: AbortSignal | undefined,
): Promise<ApprovalDecision> {
  if (!server.getClientCapabilities()?.elicitation?.form) return "denied";
  try {
    const result = await server.elicitInput(
      { mode: "form", message: approvalMessage(request), requestedSchema: APPROVAL_SCHEMA },
      { signal, timeout: ELICITATION_TIMEOUT_MS },
    );
    if (result.action === "accept") {
      const decision = result.content?.decision;
      return DECISIONS.find((known) => known === decision) ?? "denied";
    }
    return result.action === "decline" ? "denied" : "abort";
  } catch {
    return "denied";
  }
}

export function approvalMessage(request: ApprovalRequest): string {
  const what =
    request.kind === "exec"
      ? "run a command"
      : request.kind === "patch"
        ? "apply a patch"
        : "call an MCP tool";
  const lines = [`nightshift wants to ${what}: ${request.summary}`];
  if (request.reason) lines.push(`Reason: ${request.reason}`);
  if (request.cwd) lines.push(`In: ${request.cwd}`);
  if (request.files?.length) lines.push(`Files: ${request.files.join(", ")}`);
  return lines.join("\n");
}
