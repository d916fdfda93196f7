import fs from "node:fs";
import path from "node:path";
import { customToolCall, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

/** Keeps /tmp and $TMPDIR out of the writable roots (the workspace itself lives under /tmp). */
const WORKSPACE_ONLY = [
  "-c",
  "sandbox_workspace_write.exclude_slash_tmp=true",
  "-c",
  "sandbox_workspace_write.exclude_tmpdir_env_var=true",
];

type ShellArgs = { command: string[]; sandbox_permissions?: "require_escalated"; justification?: string };

/** Runs one shell call through `exec --json` with `flags`; returns what the model got and the command item. */
async function runShell(flags: string[], args: ShellArgs) {
  h.server.setScenario(scenario(reply(functionCall("shell", args, "c1")), reply(text("done"))));
  const result = await h.run(["exec", "--json", ...flags, "try it"]);
  expect(h.server.failures).toEqual([]);
  expect(result.code).toBe(0);
  const output = inputOf(h.server, 1).find(
    (entry: { type: string; call_id?: string }) =>
      entry.type === "function_call_output" && entry.call_id === "c1",
  ).output as string;
  const item = h
    .jsonEvents(result)
    .find((e) => e.type === "item.completed" && e.item.type === "command_execution")?.item;
  return { output, item };
}

const exists = (file: string) => fs.existsSync(path.join(h.workspace, file));

/** A sibling of the workspace, outside the writable roots under WORKSPACE_ONLY. */
function outsideFile(name: string): string {
  const dir = path.join(path.dirname(h.workspace), "outside");
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

describe("approvals through nightshift exec (every question is answered 'denied')", () => {
  it("ignores an escalation request under exec's default policy (never): the command runs sandboxed", async () => {
    h = await startHarness(scenario());
    const target = outsideFile("escalated.txt");
    const { output, item } = await runShell(["-s", "workspace-write", ...WORKSPACE_ONLY], {
      command: ["bash", "-lc", `touch ran.marker && echo x > ${target}`],
      sandbox_permissions: "require_escalated",
      justification: "needs to write outside",
    });
    // It ran (the marker inside the workspace exists) but inside the sandbox: the outside write failed.
    expect(exists("ran.marker")).toBe(true);
    expect(fs.existsSync(target)).toBe(false);
    expect(output).toMatch(/^Exit code: 1\n/);
    expect(output).not.toContain("Ran outside the sandbox");
    expect(output).toContain("Read-only file system");
    expect(output).toContain(
      "Nobody can approve running it unsandboxed here: find a way that works inside the sandbox.",
    );
    expect(output).toContain(
      'sandbox_permissions "require_escalated" was ignored: the approval policy is never',
    );
    expect(item).toMatchObject({ status: "failed", exit_code: 1 });
  });

  it("under -a on-request asks about an escalation; exec's denial reaches the model and nothing runs", async () => {
    h = await startHarness(scenario());
    const target = outsideFile("asked.txt");
    const { output, item } = await runShell(["-a", "on-request", ...WORKSPACE_ONLY], {
      command: ["bash", "-lc", `touch ran.marker && echo x > ${target}`],
      sandbox_permissions: "require_escalated",
      justification: "needs to write outside",
    });
    expect(output).toBe("exec command rejected by user");
    expect(exists("ran.marker")).toBe(false);
    expect(fs.existsSync(target)).toBe(false);
    expect(item).toMatchObject({ status: "declined", exit_code: null, aggregated_output: "" });
  });

  it("forbids rm -rf under -a never, directly and inside bash -lc, and the directory survives", async () => {
    h = await startHarness(
      scenario(
        reply(
          functionCall("shell", { command: ["rm", "-rf", "somedir"] }, "direct"),
          functionCall("shell", { command: ["bash", "-lc", "echo start && rm -rf somedir"] }, "script"),
        ),
        reply(text("done")),
      ),
    );
    fs.mkdirSync(path.join(h.workspace, "somedir"));
    fs.writeFileSync(path.join(h.workspace, "somedir/keep.txt"), "keep\n");
    const result = await h.run(["exec", "--full-auto", "-a", "never", "clean up"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const outputs = inputOf(h.server, 1).filter(
      (entry: { type: string }) => entry.type === "function_call_output",
    );
    expect(outputs.map((o: { call_id: string }) => o.call_id)).toEqual(["direct", "script"]);
    for (const { output } of outputs) {
      expect(output).toBe(
        "command refused: this command can destroy data irreversibly, and the approval policy is never, so nobody can approve it; find a non-destructive way to do it",
      );
    }
    expect(fs.readFileSync(path.join(h.workspace, "somedir/keep.txt"), "utf8")).toBe("keep\n");
  });

  it("under -a untrusted asks before a command that is not known to be safe, and denial stops it", async () => {
    h = await startHarness(scenario());
    const { output, item } = await runShell(["-a", "untrusted"], { command: ["touch", "made.txt"] });
    expect(output).toBe("exec command rejected by user");
    expect(exists("made.txt")).toBe(false);
    expect(item.status).toBe("declined");
  });

  it("under -a untrusted runs known-safe commands, plain or as a bash -lc script, without asking", async () => {
    h = await startHarness(
      scenario(
        reply(
          functionCall("shell", { command: ["ls"] }, "ls"),
          functionCall("shell", { command: ["bash", "-lc", "cat notes.txt | wc -l"] }, "pipe"),
        ),
        reply(text("done")),
      ),
    );
    fs.writeFileSync(path.join(h.workspace, "notes.txt"), "a\nb\n");
    const result = await h.run(["exec", "-a", "untrusted", "look"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const outputs = inputOf(h.server, 1).filter(
      (entry: { type: string }) => entry.type === "function_call_output",
    );
    expect(outputs[0].output).toMatch(/^Exit code: 0\n[\s\S]*Output:\nnotes\.txt\n$/);
    expect(outputs[1].output).toMatch(/^Exit code: 0\n[\s\S]*Output:\n2\n$/);
  });

  it("under -a on-failure asks to rerun a sandbox-denied command unsandboxed; denial keeps the sandboxed result", async () => {
    h = await startHarness(scenario());
    const target = outsideFile("retry.txt");
    const { output } = await runShell(["-s", "workspace-write", "-a", "on-failure", ...WORKSPACE_ONLY], {
      command: ["bash", "-lc", `echo x > ${target}`],
    });
    expect(output).toMatch(/^Exit code: 1\n/);
    expect(output).toContain("Read-only file system");
    expect(output).toContain("The user declined to run it again without the sandbox.");
    expect(fs.existsSync(target)).toBe(false);
  });

  it("under -a untrusted asks before every file edit, and exec's denial leaves the file alone", async () => {
    h = await startHarness(
      scenario(
        reply(customToolCall("apply_patch", "*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch", "p")),
        reply(text("ok")),
      ),
    );
    const result = await h.run(["exec", "-a", "untrusted", "edit"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(inputOf(h.server, 1).at(-1)).toEqual({
      type: "custom_tool_call_output",
      call_id: "p",
      output: "patch rejected by user",
    });
    expect(exists("a.txt")).toBe(false);
  });
});
