import { describe, expect, it } from "vitest";
import { ToolCallAssembler } from "../../helpers/internals.js";

describe("ToolCallAssembler", () => {
  it("assembles interleaved calls by index", () => {
    const calls = new ToolCallAssembler();
    calls.push([{ index: 1, id: "b", type: "function", function: { name: "read_file", arguments: "" } }]);
    calls.push([{ index: 0, id: "a", type: "function", function: { name: "shell", arguments: '{"com' } }]);
    calls.push([
      { index: 1, function: { arguments: '{"path":"x"}' } },
      { index: 0, function: { arguments: 'mand":["ls"]}' } },
    ]);
    expect(calls.calls()).toEqual([
      { index: 0, id: "a", name: "shell", arguments: '{"command":["ls"]}' },
      { index: 1, id: "b", name: "read_file", arguments: '{"path":"x"}' },
    ]);
  });

  it("copes with servers that omit the index, repeat the name or send arguments as an object", () => {
    const calls = new ToolCallAssembler();
    calls.push([{ id: "a", function: { name: "shell", arguments: { command: ["ls"] } } }]);
    calls.push([{ id: "b", function: { name: "grep", arguments: '{"pattern":' } }]);
    calls.push([{ function: { name: "grep", arguments: '"x"}' } }]);
    calls.push([{ index: 5, function: { arguments: "{}" } }]);
    expect(calls.calls()).toEqual([
      { index: 0, id: "a", name: "shell", arguments: '{"command":["ls"]}' },
      { index: 1, id: "b", name: "grep", arguments: '{"pattern":"x"}' },
    ]);
  });
});
