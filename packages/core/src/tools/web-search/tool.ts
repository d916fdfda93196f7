import type { HostedTool } from "../tool.js";

/** How the provider's web search may reach the web: not at all, its cache only, or live pages. */
export type WebSearchMode = "disabled" | "cached" | "live";

/**
 * The Responses API's hosted web search. `cached` serves results from the provider's index
 * without fetching pages (`external_web_access: false`); `live` may fetch them.
 */
export function webSearchTool(mode: Exclude<WebSearchMode, "disabled">): HostedTool {
  return {
    kind: "hosted",
    name: "web_search",
    description: "Search the web (run by the model provider).",
    readOnly: true,
    spec: { type: "web_search", external_web_access: mode === "live" },
  };
}
