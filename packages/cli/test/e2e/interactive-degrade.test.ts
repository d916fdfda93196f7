import { reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

describe("nightshift without a terminal", () => {
  it("runs `nightshift PROMPT` like exec, and `nightshift resume --last` prints the session's history", async () => {
    h = await startHarness(scenario(reply(text("Answer in **plain** output."))));
    const run = await h.run(["say something"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("Answer in **plain** output.\n");
    expect(run.stderr).toContain("nightshift · session");
    // No interface was drawn: no cursor movement, no synchronized output.
    expect(run.stdout + run.stderr).not.toContain("\u001b[?2026h");

    const history = await h.run(["resume", "--last"]);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain("(resumed)");
    expect(history.stdout).toContain("Answer in **plain** output.");
    expect(h.server.requests).toHaveLength(1);
  });

  it("says clearly when there is nothing to resume", async () => {
    h = await startHarness(scenario());
    const result = await h.run(["resume", "--last"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^nightshift: no sessions of .* under .*sessions/);
  });
});
