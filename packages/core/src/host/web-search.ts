import type { ProviderInfo } from "../model/provider.js";
import type { SandboxPolicy } from "../sandbox/policy.js";
import type { WebSearchMode } from "../tools/web-search/tool.js";
import { LOCAL_PROVIDER_IDS } from "./config/providers.js";

/** What the user asked for: a mode from a flag (`--search`), and whether it was asked for this session. */
export type WebSearchRequest = {
  /** The face's own choice (`--search`: live); absent: config.toml's `web_search`. */
  mode?: WebSearchMode;
  /** Given for this session (a flag or `-c web_search=…`), not only standing in config.toml. */
  explicit: boolean;
};

/** The request of a spec: `--search`, or a `-c web_search=…` override, counts as explicit. */
export function webSearchRequest(spec: {
  webSearch?: WebSearchMode;
  config?: readonly string[];
}): WebSearchRequest {
  if (spec.webSearch) return { mode: spec.webSearch, explicit: true };
  const overridden = (spec.config ?? []).some((entry) => entry.split("=")[0]!.trim() === "web_search");
  return { explicit: overridden };
}

/**
 * The web search a session gets. Off where the provider cannot host it (Chat Completions, a
 * local `--oss` server), with one warning instead of a failing request. Live search fetches pages
 * on the user's behalf, so when the session's sandbox has the network off it falls back to the
 * provider's cache, unless live search was asked for this session explicitly.
 */
export function resolveWebSearch(args: {
  configured: WebSearchMode | undefined;
  request: WebSearchRequest;
  provider: ProviderInfo;
  model: string;
  policy: SandboxPolicy;
}): { mode: WebSearchMode; warning?: string } {
  const wanted = args.request.mode ?? args.configured ?? "disabled";
  if (wanted === "disabled") return { mode: "disabled" };
  const { provider } = args;
  const local = (LOCAL_PROVIDER_IDS as readonly string[]).includes(provider.id);
  if (provider.wireApi === "chat" || local) {
    const why = local
      ? `${provider.name} is a local model server`
      : `provider "${provider.id}" speaks Chat Completions`;
    return {
      mode: "disabled",
      warning: `web search is off for model ${args.model}: ${why}, which cannot run the provider-hosted web_search tool`,
    };
  }
  const networkOn =
    args.policy.mode === "danger-full-access" ||
    (args.policy.mode === "workspace-write" && args.policy.networkAccess);
  if (wanted === "live" && !networkOn && !args.request.explicit) {
    return {
      mode: "cached",
      warning:
        'web_search = "live" is set, but network access is off for this session: searching the provider\'s cached results instead (pass --search to search live pages anyway)',
    };
  }
  return { mode: wanted };
}
