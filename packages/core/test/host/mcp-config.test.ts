import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { editMcpServer } from "../../src/host/config/config-edit.js";
import { mcpServerConfigs } from "../../src/host/config/mcp-servers.js";

const FILE = `# my nightshift config
model = "gpt-5.4" # the usual

[mcp_servers.old]
command = "old-server"
args = ["--x"]

[mcp_servers.old.env]
KEY = "v"

# profiles follow
[profiles.fast]
model = "gpt-5.4-mini"
`;

describe("editing [mcp_servers] in config.toml", () => {
  it("adds a server at the end, keeping comments and layout", () => {
    const result = editMcpServer(FILE, "docs", { command: "node", args: ["server.js"], env: { A: "b" } });
    expect(result.rewritten).toBe(false);
    expect(result.text).toBe(
      `${FILE}\n[mcp_servers.docs]\ncommand = "node"\nargs = [ "server.js" ]\n\n[mcp_servers.docs.env]\nA = "b"\n`,
    );
  });

  it("removes a server and its sub-tables, keeping the comment of the next table", () => {
    const result = editMcpServer(FILE, "old", null);
    expect(result.rewritten).toBe(false);
    expect(result.text).toBe(
      '# my nightshift config\nmodel = "gpt-5.4" # the usual\n\n# profiles follow\n[profiles.fast]\nmodel = "gpt-5.4-mini"\n',
    );
  });

  it("replaces a server, leaving the rest", () => {
    const result = editMcpServer(FILE, "old", { url: "http://127.0.0.1:1/mcp" });
    const parsed = parse(result.text) as Record<string, unknown>;
    expect(parsed.mcp_servers).toEqual({ old: { url: "http://127.0.0.1:1/mcp" } });
    expect(parsed.profiles).toEqual({ fast: { model: "gpt-5.4-mini" } });
    expect(result.text).toContain("# profiles follow");
  });

  it("rewrites the file when servers are inline tables a text edit cannot reach", () => {
    const inline = 'model = "m"\nmcp_servers = { old = { command = "x" } }\n';
    const result = editMcpServer(inline, "old", null);
    expect(result.rewritten).toBe(true);
    expect(parse(result.text)).toEqual({ model: "m", mcp_servers: {} });
    const added = editMcpServer(inline, "new", { command: "y" });
    expect(parse(added.text)).toEqual({
      model: "m",
      mcp_servers: { old: { command: "x" }, new: { command: "y" } },
    });
  });

  it("starts an empty file", () => {
    expect(editMcpServer("", "a", { command: "x" })).toEqual({
      text: '[mcp_servers.a]\ncommand = "x"\n',
      rewritten: false,
    });
  });
});

describe("[mcp_servers] to engine configs", () => {
  it("converts stdio and HTTP entries, sorted, skipping disabled ones and reporting broken ones", () => {
    const { configs, problems } = mcpServerConfigs(
      {
        zed: { url: "http://127.0.0.1:1/mcp", bearer_token_env_var: "T", tool_timeout_sec: 1.5 },
        alpha: {
          command: "node",
          args: ["s.js"],
          cwd: "sub",
          env_vars: ["X"],
          required: true,
          enabled_tools: ["a"],
        },
        off: { command: "x", enabled: false },
        "bad name": { command: "x" },
        both: { command: "x", url: "http://127.0.0.1:1" },
        none: { required: true },
      },
      "/work",
    );
    expect(configs).toEqual([
      {
        name: "alpha",
        required: true,
        startupTimeoutMs: 30_000,
        toolTimeoutMs: 120_000,
        enabledTools: ["a"],
        disabledTools: [],
        supportsParallelToolCalls: false,
        transport: {
          type: "stdio",
          command: "node",
          args: ["s.js"],
          env: {},
          envVars: ["X"],
          cwd: "/work/sub",
        },
      },
      {
        name: "zed",
        required: false,
        startupTimeoutMs: 30_000,
        toolTimeoutMs: 1_500,
        enabledTools: undefined,
        disabledTools: [],
        supportsParallelToolCalls: false,
        transport: {
          type: "http",
          url: "http://127.0.0.1:1/mcp",
          bearerTokenEnvVar: "T",
          httpHeaders: {},
          envHttpHeaders: {},
        },
      },
    ]);
    expect(problems.map((p) => [p.name, p.required])).toEqual([
      ["bad name", false],
      ["both", false],
      ["none", true],
    ]);
  });
});
