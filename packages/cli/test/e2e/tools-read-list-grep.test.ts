import fs from "node:fs";
import path from "node:path";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

function outputFor(index: number, callId: string): string {
  const item = inputOf(h.server, index).find(
    (entry: { type: string; call_id?: string }) =>
      entry.type === "function_call_output" && entry.call_id === callId,
  );
  if (!item) throw new Error(`request ${index} carries no output for ${callId}`);
  return item.output;
}

function write(file: string, content: string): void {
  const full = path.join(h.workspace, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

/** A small project with ignored files that hold the same word as tracked ones. */
function writeProject(): void {
  write(".gitignore", "secret.log\nbuild/\n");
  write("secret.log", "needle in an ignored file\n");
  write("build/out.txt", "needle in an ignored dir\n");
  write("src/a.ts", "const x = 1;\nconst needle = 2;\n");
  write("src/deep/b.ts", "// needle\n");
  write("notes.md", `${Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join("\n")}\n`);
}

describe("read_file, list_dir and grep through nightshift exec", () => {
  it("reads a line range, lists the tree and greps, leaving gitignored files out", async () => {
    h = await startHarness(
      scenario(
        reply(
          functionCall("read_file", { path: "notes.md", offset: 10, limit: 3 }, "r1"),
          functionCall("list_dir", { path: ".", depth: 3 }, "l1"),
          functionCall("grep", { pattern: "needle" }, "g1"),
          functionCall("read_file", { path: "notes.md", offset: 49 }, "r2"),
        ),
        reply(text("seen")),
      ),
    );
    writeProject();

    const result = await h.run(["exec", "look around"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);

    expect(outputFor(1, "r1")).toBe(
      "L10: line 10\nL11: line 11\nL12: line 12\n[lines 10-12 of 50; continue with offset=13]",
    );
    expect(outputFor(1, "r2")).toBe("L49: line 49\nL50: line 50\n[lines 49-50 of 50]");

    const listing = outputFor(1, "l1");
    expect(listing).toBe(
      [
        `${h.workspace}/ (depth 3)`,
        ".gitignore",
        "notes.md",
        "src/",
        "  a.ts",
        "  deep/",
        "    b.ts",
        "[6 entries]",
      ].join("\n"),
    );

    const grep = outputFor(1, "g1");
    expect(grep).toBe(
      "src/a.ts\nL2: const needle = 2;\n\nsrc/deep/b.ts\nL1: // needle\n[2 matching lines in 2 files]",
    );
    expect(grep).not.toContain("secret.log");
    expect(grep).not.toContain("build/");
  });

  it("tells the model plainly about a missing file, a directory and an offset past the end", async () => {
    h = await startHarness(
      scenario(
        reply(
          functionCall("read_file", { path: "missing.txt" }, "m"),
          functionCall("read_file", { path: "src" }, "d"),
          functionCall("read_file", { path: "notes.md", offset: 51 }, "past"),
          functionCall("list_dir", { path: "notes.md" }, "f"),
          functionCall("grep", { pattern: "no-such-word-anywhere" }, "none"),
        ),
        reply(text("ok")),
      ),
    );
    writeProject();

    const result = await h.run(["exec", "probe"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(outputFor(1, "m")).toContain(path.join(h.workspace, "missing.txt"));
    expect(outputFor(1, "m").toLowerCase()).toMatch(/no such file|does not exist|not found/);
    expect(outputFor(1, "d")).toBe(
      `${path.join(h.workspace, "src")} is a directory; use list_dir to see what it holds.`,
    );
    expect(outputFor(1, "past")).toBe(
      `offset 51 is past the end of ${path.join(h.workspace, "notes.md")}, which has 50 lines.`,
    );
    expect(outputFor(1, "f")).toBe(
      `${path.join(h.workspace, "notes.md")} is not a directory; use read_file to read a file.`,
    );
    expect(outputFor(1, "none")).toBe("No matches found.");
  });
});
