import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { customToolCall, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
}

/** A repository with one commit holding `files`. */
function repoWith(dir: string, files: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  gitIn(dir, "init", "-q", "-b", "main");
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "-q", "-m", "start");
}

const REVIEW = JSON.stringify({
  findings: [
    { title: "Minor naming", body: "x is vague", priority: 3, file: "a.txt", start_line: 1, end_line: 1 },
    {
      title: "Division by zero",
      body: "when n is 0",
      priority: 1,
      file: "calc.js",
      start_line: 2,
      end_line: 4,
    },
  ],
  overall_correctness: "patch is incorrect",
  overall_explanation: "The new division can crash.",
});

describe("nightshift exec review", () => {
  it("reviews the uncommitted changes read-only, with a strict schema, and prints prioritized findings", async () => {
    h = await startHarness(scenario(reply(text(REVIEW))));
    repoWith(h.workspace, { "a.txt": "one\n", "calc.js": "export const f = (n) => n;\n" });
    fs.writeFileSync(path.join(h.workspace, "calc.js"), "export const f = (n) =>\n  10 / n;\n");
    fs.writeFileSync(path.join(h.workspace, "new.txt"), "untracked\n");
    const result = await h.run(["exec", "review"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("Review of the uncommitted changes: 2 findings (patch is incorrect)");
    expect(result.stdout.indexOf("[P1] Division by zero — calc.js:2-4")).toBeLessThan(
      result.stdout.indexOf("[P3] Minor naming — a.txt:1"),
    );
    const request = h.server.requests[0]!.body!;
    expect(request.text?.format?.type).toBe("json_schema");
    expect(request.text.format.strict).toBe(true);
    const user = JSON.stringify(inputOf(h.server, 0));
    expect(user).toContain("git diff HEAD");
    expect(user).toContain("calc.js");
    expect(user).toContain("?? new.txt");
    // Read-only by default: the permissions the model is told about say so.
    expect(user).toContain("read-only");
  });

  it("reviews against a base branch from the merge base, and --json carries the raw answer", async () => {
    h = await startHarness(scenario(reply(text(REVIEW))));
    repoWith(h.workspace, { "a.txt": "one\n" });
    const base = gitIn(h.workspace, "rev-parse", "HEAD");
    gitIn(h.workspace, "checkout", "-q", "-b", "feature");
    fs.writeFileSync(path.join(h.workspace, "a.txt"), "two\n");
    gitIn(h.workspace, "commit", "-q", "-am", "change");
    const result = await h.run(["exec", "review", "--base", "main", "--json"]);
    expect(result.code).toBe(0);
    const events = h.jsonEvents(result);
    const message = events.find((event) => event.item?.type === "agent_message");
    expect(JSON.parse(message.item.text).overall_correctness).toBe("patch is incorrect");
    expect(JSON.stringify(inputOf(h.server, 0))).toContain(`git diff ${base}`);
  });

  it("says there is nothing to review without asking the model, and refuses bad combinations", async () => {
    h = await startHarness(scenario());
    repoWith(h.workspace, { "a.txt": "one\n" });
    const clean = await h.run(["exec", "review"]);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain("nothing to review: there are no uncommitted changes");
    const unknown = await h.run(["exec", "review", "--base", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--base nope: no such branch or commit");
    const both = await h.run(["exec", "review", "--uncommitted", "--base", "main"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--uncommitted and --base cannot be used together");
    const custom = await h.run(["exec", "review", "--commit", "HEAD", "look at x"]);
    expect(custom.code).toBe(2);
    expect(h.server.requests).toHaveLength(0);
  });
});

describe("nightshift apply", { timeout: 90_000 }, () => {
  it("applies the last session's changes (shell and apply_patch alike) to another checkout", async () => {
    h = await startHarness(
      scenario(
        reply(
          functionCall(
            "shell",
            { command: ["bash", "-lc", "printf 'made by shell\\n' > sub/made.txt && rm gone.txt"] },
            "c1",
          ),
        ),
        reply(
          customToolCall(
            "apply_patch",
            "*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n+uno\n*** End Patch\n",
            "c2",
          ),
        ),
        reply(text("done")),
      ),
    );
    const files = { "a.txt": "one\n", "gone.txt": "bye\n", "sub/keep.txt": "k\n" };
    repoWith(h.workspace, files);
    fs.writeFileSync(path.join(h.workspace, "dirty-before.txt"), "was already here\n");
    const session = await h.run(["exec", "--full-auto", "change things"]);
    expect(session.code).toBe(0);

    const other = path.join(path.dirname(h.workspace), "other");
    repoWith(other, files);
    const applied = await h.run(["apply"], { cwd: other });
    expect(applied.stderr).toContain("Applied the changes of session");
    expect(applied.code).toBe(0);
    expect(fs.readFileSync(path.join(other, "a.txt"), "utf8")).toBe("uno\n");
    expect(fs.readFileSync(path.join(other, "sub/made.txt"), "utf8")).toBe("made by shell\n");
    expect(fs.existsSync(path.join(other, "gone.txt"))).toBe(false);
    // What was in the workspace before the session is not the session's change.
    expect(fs.existsSync(path.join(other, "dirty-before.txt"))).toBe(false);
    expect(applied.stdout.split("\n").filter(Boolean).sort()).toEqual(["a.txt", "gone.txt", "sub/made.txt"]);
    // The project's own repository never saw the snapshots.
    expect(gitIn(h.workspace, "stash", "list")).toBe("");
    expect(gitIn(h.workspace, "for-each-ref").split("\n")).toHaveLength(1);

    // A checkout where a hunk does not fit is left untouched.
    const third = path.join(path.dirname(h.workspace), "third");
    repoWith(third, { ...files, "a.txt": "something else\n" });
    const refused = await h.run(["apply"], { cwd: third });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("do not apply cleanly");
    expect(refused.stderr).toContain("--3way");
    expect(fs.existsSync(path.join(third, "sub/made.txt"))).toBe(false);
    expect(fs.existsSync(path.join(third, "gone.txt"))).toBe(true);

    const diff = await h.run(["apply", "--diff"], { cwd: third });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("+uno");

    const self = await h.run(["apply"], { cwd: h.workspace });
    expect(self.code).toBe(1);
    expect(self.stderr).toContain("the session's own workspace");
  });

  it("applies into a sub-folder of a repository and into a folder without git", async () => {
    h = await startHarness(
      scenario(
        reply(functionCall("shell", { command: ["bash", "-lc", "echo new > n.txt"] }, "c1")),
        reply(text("done")),
      ),
    );
    const session = await h.run(["exec", "--full-auto", "add a file"]);
    expect(session.code).toBe(0);
    const repo = path.join(path.dirname(h.workspace), "repo");
    repoWith(repo, { "pkg/x.txt": "x\n" });
    const inSub = await h.run(["apply", "-C", "pkg"], { cwd: repo });
    expect(inSub.code).toBe(0);
    expect(fs.readFileSync(path.join(repo, "pkg/n.txt"), "utf8")).toBe("new\n");
    const plain = path.join(path.dirname(h.workspace), "plain");
    fs.mkdirSync(plain);
    const id = /session ([0-9a-f-]+)/.exec(inSub.stderr)![1]!;
    const inPlain = await h.run(["apply", id], { cwd: plain });
    expect(inPlain.code).toBe(0);
    expect(fs.readFileSync(path.join(plain, "n.txt"), "utf8")).toBe("new\n");
    const bad = await h.run(["apply", "no-such-session"], { cwd: plain });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no-such-session/);
  });
});
