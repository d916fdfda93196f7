import { describe, expect, it } from "vitest";
import { resolveWebSearch, webSearchRequest } from "../../src/host/web-search.js";
import type { ProviderInfo } from "../../src/model/provider.js";
import type { SandboxPolicy } from "../../src/sandbox/policy.js";

const provider = (id: string, wireApi: "responses" | "chat", name = id): ProviderInfo => ({
  id,
  name,
  baseUrl: "http://127.0.0.1:1/v1",
  wireApi,
  headers: {},
  queryParams: {},
  requestMaxRetries: 0,
  streamMaxRetries: 0,
  streamIdleTimeoutMs: 1000,
  supportsRemoteCompaction: false,
  isAzure: false,
});
const sandbox = (mode: SandboxPolicy["mode"], networkAccess = false): SandboxPolicy => ({
  mode,
  writableRoots: [],
  networkAccess,
});
const openai = provider("openai", "responses");

describe("which web search a session gets", () => {
  it("is off unless asked for", () => {
    const resolved = resolveWebSearch({
      configured: undefined,
      request: { explicit: false },
      provider: openai,
      model: "gpt-5.4",
      policy: sandbox("danger-full-access"),
    });
    expect(resolved).toEqual({ mode: "disabled" });
  });

  it("keeps live search only where the network is on, or when asked for this session", () => {
    const live = (policy: SandboxPolicy, explicit: boolean) =>
      resolveWebSearch({ configured: "live", request: { explicit }, provider: openai, model: "m", policy })
        .mode;
    expect(live(sandbox("danger-full-access"), false)).toBe("live");
    expect(live(sandbox("workspace-write", true), false)).toBe("live");
    expect(live(sandbox("workspace-write", false), false)).toBe("cached");
    expect(live(sandbox("read-only"), false)).toBe("cached");
    expect(live(sandbox("read-only"), true)).toBe("live");
    // Cached search fetches nothing: the sandbox does not change it.
    expect(
      resolveWebSearch({
        configured: "cached",
        request: { explicit: false },
        provider: openai,
        model: "m",
        policy: sandbox("read-only"),
      }),
    ).toEqual({ mode: "cached" });
  });

  it("is off, with one warning, on a local --oss server even when it speaks the Responses API", () => {
    const resolved = resolveWebSearch({
      configured: undefined,
      request: { mode: "live", explicit: true },
      provider: provider("ollama", "responses", "Ollama"),
      model: "gpt-oss:20b",
      policy: sandbox("danger-full-access"),
    });
    expect(resolved).toEqual({
      mode: "disabled",
      warning:
        "web search is off for model gpt-oss:20b: Ollama is a local model server, which cannot run the provider-hosted web_search tool",
    });
  });

  it("counts --search and a -c web_search override as asked for this session", () => {
    expect(webSearchRequest({ webSearch: "live" })).toEqual({ mode: "live", explicit: true });
    expect(webSearchRequest({ config: ['web_search="live"'] })).toEqual({ explicit: true });
    expect(webSearchRequest({ config: [' web_search = "cached"'] })).toEqual({ explicit: true });
    expect(webSearchRequest({ config: ['model="x"', 'web_search_extra="y"'] })).toEqual({ explicit: false });
  });
});
