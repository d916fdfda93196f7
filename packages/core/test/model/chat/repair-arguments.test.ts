import { describe, expect, it } from "vitest";
import { looksTruncated, repairToolArguments } from "../../helpers/internals.js";

describe("repairToolArguments", () => {
  it("keeps valid JSON byte for byte and turns empty arguments into {}", () => {
    expect(repairToolArguments('{ "command": ["ls"] }')).toBe('{ "command": ["ls"] }');
    expect(repairToolArguments("  ")).toBe("{}");
  });

  it("repairs sloppy but complete JSON objects", () => {
    expect(repairToolArguments("{'command': ['ls', '-la'],}")).toBe('{"command":["ls","-la"]}');
    expect(repairToolArguments('```json\n{"path": "a.txt"}\n```')).toBe('{"path":"a.txt"}');
    expect(repairToolArguments("{recursive: True, path: 'src'}")).toBe('{"recursive":true,"path":"src"}');
  });

  it("never completes truncated arguments, and passes unrepairable text through", () => {
    expect(repairToolArguments('{"command": ["bash", "-lc", "rm -rf build/ca')).toBe(
      '{"command": ["bash", "-lc", "rm -rf build/ca',
    );
    expect(repairToolArguments('{"broken": ')).toBe('{"broken": ');
    expect(repairToolArguments("run ls please")).toBe("run ls please");
    expect(repairToolArguments('{"a":1}{"b":2}')).toBe('{"a":1}{"b":2}');
  });

  it("detects open strings and brackets, ignoring brackets inside strings", () => {
    expect(looksTruncated('{"a": "}"}')).toBe(false);
    expect(looksTruncated('{"a": "\\"}')).toBe(true);
    expect(looksTruncated('{"a": [1, 2')).toBe(true);
  });
});
