import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { stdioServerEnv } from "../../src/mcp/config.js";
import { defineRawSchemaTool } from "../../src/mcp/mcp-tool.js";
import { compareRaw, MAX_TOOL_NAME_LENGTH, qualifyToolNames, sanitizeNamePart } from "../../src/mcp/names.js";
import { mcpResultText } from "../../src/mcp/result.js";
import { normalizeInputSchema } from "../../src/mcp/schema.js";
import { toolSpec } from "../../src/tools/tool.js";

const sha12 = (text: string) => createHash("sha1").update(text).digest("hex").slice(0, 12);

describe("MCP tool names", () => {
  it("qualifies as mcp__<server>__<tool>, keeping hyphens and replacing what a name may not hold", () => {
    expect(qualifyToolNames([{ server: "everything", tool: "echo" }])).toEqual(["mcp__everything__echo"]);
    expect(qualifyToolNames([{ server: "docs", tool: "get-page" }])).toEqual(["mcp__docs__get-page"]);
    expect(sanitizeNamePart("a.b/c d?é")).toBe("a_b_c_d__");
    expect(sanitizeNamePart("")).toBe("_");
  });

  it("cuts names over 64 characters and appends a hash of the raw identity", () => {
    const tool = "x".repeat(80);
    const [name] = qualifyToolNames([{ server: "srv", tool }]);
    expect(name).toHaveLength(MAX_TOOL_NAME_LENGTH);
    expect(name).toBe(`mcp__srv__${"x".repeat(64 - 13 - 10)}_${sha12(`srv/${tool}`)}`);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("gives every tool of a collision a distinct hashed name, whatever order they came in", () => {
    const a = { server: "s", tool: "read.file" };
    const b = { server: "s", tool: "read_file" };
    const c = { server: "s", tool: "other" };
    const forward = qualifyToolNames([a, b, c]);
    const backward = qualifyToolNames([c, b, a]);
    expect(forward[0]).toBe(`mcp__s__read_file_${sha12("s/read.file")}`);
    expect(forward[1]).toBe(`mcp__s__read_file_${sha12("s/read_file")}`);
    expect(forward[2]).toBe("mcp__s__other");
    expect(backward).toEqual([forward[2], forward[1], forward[0]]);
  });

  it("sorts by server, then tool, in code-unit order", () => {
    const ids = [
      { server: "b", tool: "a" },
      { server: "a", tool: "z" },
      { server: "a", tool: "B" },
      { server: "a", tool: "a" },
    ];
    expect([...ids].sort(compareRaw).map((id) => `${id.server}/${id.tool}`)).toEqual([
      "a/B",
      "a/a",
      "a/z",
      "b/a",
    ]);
  });
});

describe("MCP input schemas", () => {
  it("adds properties, drops $schema and sorts keys at every level", () => {
    const schema = normalizeInputSchema({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      required: ["b", "a"],
      properties: { b: { type: "string", description: "B" }, a: { description: "A", type: "number" } },
    });
    expect(JSON.stringify(schema)).toBe(
      '{"properties":{"a":{"description":"A","type":"number"},"b":{"description":"B","type":"string"}},"required":["b","a"],"type":"object"}',
    );
    expect(normalizeInputSchema({ type: "object" })).toEqual({ type: "object", properties: {} });
    expect(normalizeInputSchema("nonsense")).toEqual({ type: "object", properties: {} });
    expect(normalizeInputSchema({ type: "string", properties: [] })).toEqual({
      type: "object",
      properties: {},
    });
  });

  it("sends the raw schema in the tool spec, with type and properties first", () => {
    const tool = defineRawSchemaTool({
      name: "mcp__s__t",
      description: "d",
      jsonSchema: { required: ["q"], properties: { q: { type: "string" } }, type: "object" },
      readOnly: true,
      execute: async () => ({ output: "", success: true }),
    });
    expect(JSON.stringify(toolSpec(tool))).toBe(
      '{"type":"function","name":"mcp__s__t","description":"d","strict":false,"parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}',
    );
    expect(tool.parameters.safeParse({ anything: [1] }).success).toBe(true);
    expect(tool.parameters.safeParse([1]).success).toBe(false);
  });
});

describe("MCP results", () => {
  it("prefers structuredContent as JSON text", () => {
    expect(
      mcpResultText({ content: [{ type: "text", text: "ignored" }], structuredContent: { a: 1 } }),
    ).toEqual({
      text: '{"a":1}',
      success: true,
    });
  });

  it("joins text and describes images, audio, links and resources", () => {
    const result = mcpResultText({
      content: [
        { type: "text", text: "first" },
        { type: "image", mimeType: "image/png", data: Buffer.alloc(10).toString("base64") },
        { type: "audio", mimeType: "audio/wav", data: Buffer.alloc(4).toString("base64") },
        { type: "resource_link", uri: "file:///a", name: "a" },
        { type: "resource", resource: { uri: "file:///b", text: "inside b" } },
        { type: "resource", resource: { uri: "file:///c", mimeType: "application/zip", blob: "AAAA" } },
        { type: "mystery" },
        "not an object",
      ],
    });
    expect(result.success).toBe(true);
    expect(result.text.split("\n")).toEqual([
      "first",
      "[image: image/png, 10 bytes]",
      "[audio: audio/wav, 4 bytes]",
      "[resource link: file:///a (a)]",
      "[resource: file:///b]",
      "inside b",
      "[resource: file:///c, application/zip, 3 bytes]",
      "[unsupported content: mystery]",
      "[unsupported content]",
    ]);
  });

  it("marks isError results as failed and survives garbage", () => {
    expect(mcpResultText({ content: [{ type: "text", text: "bad" }], isError: true })).toEqual({
      text: "bad",
      success: false,
    });
    expect(mcpResultText({ content: "garbage" })).toEqual({ text: "", success: true });
  });
});

describe("stdio server environment", () => {
  it("inherits only the allow-list and listed variables, then the server's own env", () => {
    const env = stdioServerEnv(
      { env: { MODE: "test", PATH: "/custom" }, envVars: ["WANTED"] },
      { HOME: "/h", PATH: "/usr/bin", SECRET_TOKEN: "s3cret", WANTED: "yes", SHELL: "() { evil; }" },
    );
    expect(env).toEqual({ HOME: "/h", PATH: "/custom", WANTED: "yes", MODE: "test" });
  });
});
