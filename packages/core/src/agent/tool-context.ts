import { NO_ONE_IS_HERE, type ToolContext } from "../tools/tool.js";
import type { AgentDeps, TurnSettings } from "./agent.js";
import type { AgentEvent } from "./events.js";

/**
 * What a tool call may use: the turn's settings and the session's services. Approvals go through
 * here, so every face sees them asked and answered as events, and "abort" stops the turn the
 * same way whichever tool asked.
 */
export function toolContextFor(args: {
  callId: string;
  signal: AbortSignal;
  settings: Readonly<TurnSettings>;
  deps: AgentDeps;
  emit: (event: AgentEvent) => void;
  onAbortAnswer: () => void;
}): ToolContext {
  const { callId, settings, deps, emit } = args;
  return {
    callId,
    cwd: settings.cwd,
    signal: args.signal,
    policy: settings.policy,
    approvalPolicy: settings.approvalPolicy,
    approve: async (request) => {
      emit({ type: "approval_requested", callId, request });
      const decision = await deps.approve(request);
      emit({ type: "approval_answered", callId, decision });
      if (decision === "abort") args.onAbortAnswer();
      return decision;
    },
    requestUserInput: (request) =>
      (deps.requestUserInput ?? NO_ONE_IS_HERE)({ callId, ...request }, args.signal),
    approvalCache: deps.approvalCache,
    bashParser: deps.bashParser,
    runCommand: deps.runCommand,
    env: deps.env,
    scratchDir: deps.scratchDir,
    outputBudgetBytes: settings.outputBudgetBytes,
    progress: (event) => emit({ type: "tool_call_progress", callId, text: event.text }),
    ptySessions: deps.ptySessions,
    clock: deps.clock,
    loginShell: deps.loginShell,
  };
}
