import fs from "node:fs";
import path from "node:path";
import { functionCall, reply, scenario, text, webSearchCall } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";
import { firstPrefixBreak } from "./prefix.js";

let h: Harness;
afterEach(async () => h?.close());

// biome-ignore lint/suspicious/noExplicitAny: request tools are checked field by field
const toolsOf = (index: number): any[] => h.server.requests[index]!.body!.tools;
const names = (tools: { name?: string; type: string }[]) => tools.map((tool) => tool.name ?? tool.type);

describe("web search, the provider's hosted tool", () => {
  it("--search sends live web_search at its fixed place, keeps the search in history and prints it", async () => {
    h = await startHarness(
      scenario(
        reply(
          webSearchCall("nightshift coding agent"),
          functionCall("shell", { command: ["bash", "-lc", "echo ok"] }, "c1"),
        ),
        reply(
          webSearchCall("", { action: { type: "open_page", url: "https://example.com/docs" } }),
          text("found"),
        ),
      ),
    );
    const result = await h.run(["exec", "--json", "--search", "-s", "danger-full-access", "look it up"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);

    const tools = toolsOf(0);
    expect(tools.find((tool) => tool.type === "web_search")).toEqual({
      type: "web_search",
      external_web_access: true,
    });
    // After apply_patch, before the file tools: the same place in every request.
    const order = names(tools);
    expect(order.indexOf("web_search")).toBe(order.indexOf("apply_patch") + 1);
    expect(toolsOf(1)).toEqual(tools);
    expect(h.server.requests[1]!.rawBody).toContain(JSON.stringify(tools));
    expect(firstPrefixBreak(h.server.requests)).toBe(-1);

    // The search is carried back as it came, without the server's id.
    const carried = inputOf(h.server, 1).filter((item) => item.type === "web_search_call");
    expect(carried).toEqual([
      {
        type: "web_search_call",
        status: "completed",
        action: { type: "search", query: "nightshift coding agent" },
      },
    ]);

    const items = h
      .jsonEvents(result)
      .filter((event) => event.type === "item.completed" && event.item.type === "web_search")
      .map((event) => event.item);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ type: "web_search", query: "nightshift coding agent" });
    expect(items[0].id).toMatch(/^item_\d+$/);
    expect(items[1]).toMatchObject({
      type: "web_search",
      action: { type: "open_page", url: "https://example.com/docs" },
    });
  });

  it("shows searches in the human output", async () => {
    h = await startHarness(scenario(reply(webSearchCall("vitest config"), text("answer"))), {
      config: 'web_search = "cached"',
    });
    const result = await h.run(["exec", "search please"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("▸ web search");
    expect(result.stderr).toContain("✓ searched: vitest config");
    expect(toolsOf(0).find((tool) => tool.type === "web_search")).toEqual({
      type: "web_search",
      external_web_access: false,
    });
  });

  it("keeps the search in the stored session: a resumed session sends the same prefix", async () => {
    h = await startHarness(scenario(reply(webSearchCall("first"), text("one")), reply(text("two"))), {
      config: 'web_search = "cached"',
    });
    expect((await h.run(["exec", "first turn"])).code).toBe(0);
    const resumed = await h.run(["exec", "resume", "--last", "second turn"]);
    expect(resumed.code).toBe(0);
    expect(h.server.failures).toEqual([]);
    expect(firstPrefixBreak(h.server.requests)).toBe(-1);
    expect(JSON.stringify(inputOf(h.server, 1))).toContain('"type":"web_search_call"');
  });

  it("falls back to cached search when config asks for live and the sandbox has the network off", async () => {
    h = await startHarness(scenario(reply(text("a")), reply(text("b")), reply(text("c"))), {
      config: 'web_search = "live"',
    });
    const standing = await h.run(["exec", "-s", "read-only", "hi"]);
    expect(standing.code).toBe(0);
    expect(standing.stderr).toContain('web_search = "live" is set, but network access is off');
    expect(toolsOf(0).find((tool) => tool.type === "web_search").external_web_access).toBe(false);

    // Asked for this session: live, whatever the sandbox.
    const flag = await h.run(["exec", "-s", "read-only", "--search", "hi"]);
    expect(flag.stderr).not.toContain("network access is off");
    expect(toolsOf(1).find((tool) => tool.type === "web_search").external_web_access).toBe(true);
    const override = await h.run(["exec", "-s", "read-only", "-c", 'web_search="live"', "hi"]);
    expect(override.code).toBe(0);
    expect(toolsOf(2).find((tool) => tool.type === "web_search").external_web_access).toBe(true);
  });

  it("says once that search is off on a Chat Completions provider, and runs the turn without it", async () => {
    h = await startHarness(scenario(reply(text("no search here"))), { config: 'web_search = "live"' });
    fs.appendFileSync(
      path.join(h.home, "config.toml"),
      `[model_providers.chatty]\nname = "chatty"\nwire_api = "chat"\nbase_url = "${h.server.url}"\n`,
    );
    const result = await h.run(["exec", "--search", "-c", 'model_provider="chatty"', "hi"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("no search here\n");
    const warnings = result.stderr.split("\n").filter((line) => line.includes("web search is off"));
    expect(warnings).toEqual([
      'warning: web search is off for model gpt-5.1-codex: provider "chatty" speaks Chat Completions, which cannot run the provider-hosted web_search tool',
    ]);
    expect(h.server.requests[0]!.path).toBe("/v1/chat/completions");
    expect(JSON.stringify(h.server.requests[0]!.body!.tools)).not.toContain("web_search");
  });
});
