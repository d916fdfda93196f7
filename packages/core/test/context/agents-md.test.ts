import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverAgentsMd } from "../../src/context/agents-md.js";

let base: string;
let home: string;
let repo: string;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-agents-")));
  home = path.join(base, "home");
  repo = path.join(base, "repo");
  fs.mkdirSync(path.join(repo, ".git"), { recursive: true });
  fs.mkdirSync(home);
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

describe("AGENTS.md discovery", () => {
  it("renders nothing when there are no files", () => {
    expect(discoverAgentsMd({ home, cwd: repo })).toEqual({ text: null, files: [], warnings: [] });
  });

  it("joins the global file and the project files from the root down to cwd, one per directory", () => {
    write(path.join(home, "AGENTS.md"), "global rules\n");
    write(path.join(repo, "AGENTS.md"), "root rules");
    write(path.join(repo, "pkg", "AGENTS.override.md"), "pkg override");
    write(path.join(repo, "pkg", "AGENTS.md"), "pkg rules (shadowed by the override)");
    write(path.join(repo, "pkg", "deep", "AGENTS.md"), "deep rules");
    const cwd = path.join(repo, "pkg", "deep");
    const result = discoverAgentsMd({ home, cwd });
    expect(result.files).toEqual([
      path.join(home, "AGENTS.md"),
      path.join(repo, "AGENTS.md"),
      path.join(repo, "pkg", "AGENTS.override.md"),
      path.join(repo, "pkg", "deep", "AGENTS.md"),
    ]);
    expect(result.text).toBe(
      `# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\nglobal rules\n\n--- project-doc ---\n\nroot rules\n\npkg override\n\ndeep rules\n</INSTRUCTIONS>`,
    );
  });

  it("prefers the global AGENTS.override.md and ignores empty files", () => {
    write(path.join(home, "AGENTS.override.md"), "override wins");
    write(path.join(home, "AGENTS.md"), "not used");
    write(path.join(repo, "AGENTS.md"), "   \n");
    const result = discoverAgentsMd({ home, cwd: repo });
    expect(result.files).toEqual([path.join(home, "AGENTS.override.md")]);
    expect(result.text).toContain("<INSTRUCTIONS>\noverride wins\n</INSTRUCTIONS>");
  });

  it("uses configured fallback names and root markers", () => {
    write(path.join(repo, "sub", "CLAUDE.md"), "fallback rules");
    write(path.join(repo, "sub", "inner", "marker.txt"), "");
    const cwd = path.join(repo, "sub", "inner");
    expect(discoverAgentsMd({ home, cwd, fallbackFilenames: ["CLAUDE.md"] }).files).toEqual([
      path.join(repo, "sub", "CLAUDE.md"),
    ]);
    // With a marker below the fallback, the project root moves down and the file is out of scope.
    expect(
      discoverAgentsMd({ home, cwd, fallbackFilenames: ["CLAUDE.md"], rootMarkers: ["marker.txt"] }).files,
    ).toEqual([]);
  });

  it("searches only cwd when no project root is found", () => {
    const loose = path.join(base, "loose", "dir");
    write(path.join(base, "loose", "AGENTS.md"), "parent, not a project");
    write(path.join(loose, "AGENTS.md"), "here");
    expect(discoverAgentsMd({ home, cwd: loose, rootMarkers: ["no-such-marker"] }).files).toEqual([
      path.join(loose, "AGENTS.md"),
    ]);
  });

  it("cuts the file that crosses the budget, warns which and how much, and skips the rest", () => {
    write(path.join(home, "AGENTS.md"), "g".repeat(5000)); // the global file does not count
    write(path.join(repo, "AGENTS.md"), "a".repeat(60));
    write(path.join(repo, "b", "AGENTS.md"), "b".repeat(100));
    write(path.join(repo, "b", "c", "AGENTS.md"), "c".repeat(10));
    const result = discoverAgentsMd({ home, cwd: path.join(repo, "b", "c"), maxBytes: 100 });
    expect(result.text).toContain(`${"a".repeat(60)}\n\n${"b".repeat(40)}\n</INSTRUCTIONS>`);
    expect(result.warnings).toEqual([
      `${path.join(repo, "b", "AGENTS.md")} was truncated: 60 of its 100 bytes were cut to stay within project_doc_max_bytes = 100`,
      `${path.join(repo, "b", "c", "AGENTS.md")} was skipped: the AGENTS.md budget (project_doc_max_bytes = 100) is used up`,
    ]);
  });

  it("never splits a multi-byte character when cutting", () => {
    write(path.join(repo, "AGENTS.md"), "ééééé");
    const result = discoverAgentsMd({ home, cwd: repo, maxBytes: 5 });
    expect(result.text).toContain("<INSTRUCTIONS>\néé\n</INSTRUCTIONS>");
  });

  it("disables project files with a budget of 0", () => {
    write(path.join(home, "AGENTS.md"), "global");
    write(path.join(repo, "AGENTS.md"), "project");
    const result = discoverAgentsMd({ home, cwd: repo, maxBytes: 0 });
    expect(result.files).toEqual([path.join(home, "AGENTS.md")]);
    expect(result.text).not.toContain("project");
  });
});
