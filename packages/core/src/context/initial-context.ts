import type { TurnSettings } from "../agent/agent.js";
import { developerMessage, type ResponseItem } from "../model/items.js";
import type { TurnContext } from "../session/rollout-types.js";
import { type EnvironmentFacts, environmentContextText } from "./environment.js";
import { permissionsText } from "./permissions.js";

export type ContextSources = {
  /** Configured developer instructions (config `developer_instructions`). */
  developerInstructions?: string;
  /** The rendered AGENTS.md block, or null when there is none. */
  agentsMd: string | null;
  shell: string;
  timezone: string;
  /** Today's date (YYYY-MM-DD) in `timezone`. */
  currentDate: string;
};

export function turnContextOf(settings: TurnSettings): TurnContext {
  return {
    cwd: settings.cwd,
    model: settings.model,
    sandbox_mode: settings.policy.mode,
    approval_policy: settings.approvalPolicy,
    network_access: settings.policy.networkAccess,
    writable_roots: [...settings.policy.writableRoots],
  };
}

function networkOf(settings: TurnSettings): EnvironmentFacts["network"] {
  return settings.policy.mode === "danger-full-access" || settings.policy.networkAccess
    ? "enabled"
    : "restricted";
}

/**
 * The context a new session starts with: one developer message (permissions, developer
 * instructions), then one user message (AGENTS.md, environment).
 */
export function buildInitialContext(settings: TurnSettings, sources: ContextSources): ResponseItem[] {
  const developer = [permissionsText(settings.policy, settings.approvalPolicy, settings.cwd)];
  if (sources.developerInstructions?.trim()) developer.push(sources.developerInstructions.trim());
  const user: string[] = [];
  if (sources.agentsMd) user.push(sources.agentsMd);
  user.push(
    environmentContextText({
      cwd: settings.cwd,
      shell: sources.shell,
      currentDate: sources.currentDate,
      timezone: sources.timezone,
      network: networkOf(settings),
    }),
  );
  return [
    developerMessage(developer),
    { type: "message", role: "user", content: user.map((text) => ({ type: "input_text", text })) },
  ];
}

/**
 * Items describing only what changed since the last turn's context: a developer message for
 * permissions or the model, a user `<environment_context>` for the working directory or network.
 * Nothing already sent is edited; an unchanged context yields no items.
 */
export function buildSettingsDiff(
  previous: TurnContext,
  settings: TurnSettings,
  sources: Pick<ContextSources, "currentDate">,
): ResponseItem[] {
  const previousDate = previous.current_date ?? null;
  const next = turnContextOf(settings);
  const items: ResponseItem[] = [];
  const developer: string[] = [];
  if (previous.model !== next.model) {
    developer.push(
      `<model_switch>\nThe conversation continues with a different model: ${next.model} (was ${previous.model}). Earlier turns were produced by the previous model.\n</model_switch>`,
    );
  }
  const permissionsChanged =
    previous.sandbox_mode !== next.sandbox_mode ||
    previous.approval_policy !== next.approval_policy ||
    previous.network_access !== next.network_access ||
    previous.writable_roots.join("\0") !== next.writable_roots.join("\0") ||
    (next.sandbox_mode === "workspace-write" && previous.cwd !== next.cwd);
  if (permissionsChanged)
    developer.push(permissionsText(settings.policy, settings.approvalPolicy, settings.cwd));
  if (developer.length > 0) items.push(developerMessage(developer));

  const facts: EnvironmentFacts = {};
  if (previous.cwd !== next.cwd) facts.cwd = next.cwd;
  if (previous.network_access !== next.network_access || previous.sandbox_mode !== next.sandbox_mode) {
    facts.network = networkOf(settings);
  }
  if (previousDate !== null && previousDate !== sources.currentDate) facts.currentDate = sources.currentDate;
  if (Object.keys(facts).length > 0) {
    items.push({
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: environmentContextText(facts) }],
    });
  }
  return items;
}
