import fs from "node:fs";
import path from "node:path";
import { scenario } from "@nightshift/testkit";
import { parse } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

describe("nightshift mcp add|list|get|remove", () => {
  it("edits [mcp_servers] in config.toml and keeps the rest of the file", async () => {
    h = await startHarness(scenario(), { config: "# keep this comment" });
    const file = path.join(h.home, "config.toml");
    const before = fs.readFileSync(file, "utf8");

    const add = await h.run([
      "mcp",
      "add",
      "docs",
      "--env",
      "API_KEY=s3cret",
      "--env-var",
      "TOKEN",
      "--",
      "node",
      "server.js",
      "--port",
      "0",
    ]);
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(add.stdout).toBe(`Added MCP server "docs" to ${file}\n`);
    const web = await h.run([
      "mcp",
      "add",
      "web",
      "--url",
      "http://127.0.0.1:9/mcp",
      "--bearer-token-env-var",
      "WEB_TOKEN",
      "--required",
    ]);
    expect(web.code).toBe(0);

    const text = fs.readFileSync(file, "utf8");
    expect(text.startsWith(before.trimEnd())).toBe(true);
    expect(text).toContain("# keep this comment");
    expect((parse(text) as { mcp_servers: unknown }).mcp_servers).toEqual({
      docs: {
        command: "node",
        args: ["server.js", "--port", "0"],
        env: { API_KEY: "s3cret" },
        env_vars: ["TOKEN"],
      },
      web: { url: "http://127.0.0.1:9/mcp", bearer_token_env_var: "WEB_TOKEN", required: true },
    });

    const list = await h.run(["mcp", "list"]);
    expect(list.stdout).toBe(
      [
        "Name  Command / URL            Status   Required",
        "docs  node server.js --port 0  enabled  no",
        "web   http://127.0.0.1:9/mcp   enabled  yes",
        "",
      ].join("\n"),
    );
    const listJson = JSON.parse((await h.run(["mcp", "list", "--json"])).stdout);
    expect(listJson.map((entry: { name: string }) => entry.name)).toEqual(["docs", "web"]);

    const get = await h.run(["mcp", "get", "docs"]);
    expect(get.stdout).toContain("command: node");
    expect(get.stdout).toContain("env: API_KEY=*****");
    expect(get.stdout).not.toContain("s3cret");
    expect(JSON.parse((await h.run(["mcp", "get", "web", "--json"])).stdout)).toEqual({
      name: "web",
      url: "http://127.0.0.1:9/mcp",
      bearer_token_env_var: "WEB_TOKEN",
      required: true,
    });

    const remove = await h.run(["mcp", "remove", "docs"]);
    expect(remove.code).toBe(0);
    expect(
      Object.keys((parse(fs.readFileSync(file, "utf8")) as { mcp_servers: object }).mcp_servers),
    ).toEqual(["web"]);
    expect(fs.readFileSync(file, "utf8")).toContain("[model_providers.fake]");
  });

  it("refuses bad input with a clear message and leaves the file alone", async () => {
    h = await startHarness(scenario());
    const file = path.join(h.home, "config.toml");
    const before = fs.readFileSync(file, "utf8");
    const cases: [string[], string][] = [
      [["mcp", "add", "bad name", "--", "x"], 'invalid server name "bad name"'],
      [
        ["mcp", "add", "both", "--url", "http://127.0.0.1:1", "--", "x"],
        "either a command after -- (a stdio server) or --url",
      ],
      [["mcp", "add", "none"], "either a command after -- (a stdio server) or --url"],
      [
        ["mcp", "add", "t", "--tool-timeout-sec", "soon", "--", "x"],
        "--tool-timeout-sec expects a positive number",
      ],
      [["mcp", "remove", "ghost"], 'no MCP server named "ghost"'],
      [["mcp", "get", "ghost"], 'no MCP server named "ghost"'],
    ];
    for (const [args, message] of cases) {
      const result = await h.run(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
    }
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });
});
