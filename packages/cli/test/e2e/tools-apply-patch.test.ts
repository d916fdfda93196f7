import fs from "node:fs";
import path from "node:path";
import { customToolCall, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

/** The output item the model received for `callId` in request `index`. */
function outputFor(index: number, callId: string): { type: string; output: string } {
  const item = inputOf(h.server, index).find(
    (entry: { type: string; call_id?: string }) =>
      entry.type.endsWith("_call_output") && entry.call_id === callId,
  );
  if (!item) throw new Error(`request ${index} carries no output for ${callId}`);
  return item;
}

const read = (file: string) => fs.readFileSync(path.join(h.workspace, file), "utf8");
const exists = (file: string) => fs.existsSync(path.join(h.workspace, file));
const write = (file: string, content: string) => {
  fs.mkdirSync(path.dirname(path.join(h.workspace, file)), { recursive: true });
  fs.writeFileSync(path.join(h.workspace, file), content);
};

/** Keeps /tmp and $TMPDIR out of the writable roots, so that only the workspace is writable. */
const WORKSPACE_ONLY = [
  "-c",
  "sandbox_workspace_write.exclude_slash_tmp=true",
  "-c",
  "sandbox_workspace_write.exclude_tmpdir_env_var=true",
];

const fullPatch = [
  "*** Begin Patch",
  "*** Add File: added/new.txt",
  "+fresh",
  "+file",
  "*** Update File: edit.txt",
  "@@",
  " alpha",
  "-beta",
  "+BETA",
  " gamma",
  "*** Delete File: gone.txt",
  "*** Update File: old/name.txt",
  "*** Move to: new/place.txt",
  "@@",
  "-moving",
  "+moved",
  "*** End Patch",
].join("\n");

describe("apply_patch through nightshift exec", () => {
  it("adds, updates, deletes and moves files with the freeform tool and reports a file_change", async () => {
    h = await startHarness(
      scenario(reply(customToolCall("apply_patch", fullPatch, "p1")), reply(text("patched"))),
    );
    write("edit.txt", "alpha\nbeta\ngamma\n");
    write("gone.txt", "bye\n");
    write("old/name.txt", "moving\n");

    const result = await h.run(["exec", "-s", "workspace-write", "--json", "edit the files"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);

    const tool = h.server.requests[0]!.body!.tools.find((t: { name: string }) => t.name === "apply_patch");
    expect(tool.type).toBe("custom");
    expect(tool.format).toMatchObject({ type: "grammar", syntax: "lark" });

    const output = outputFor(1, "p1");
    expect(output.type).toBe("custom_tool_call_output");
    expect(output.output).toBe(
      "Success. Updated the following files:\nA added/new.txt\nM edit.txt\nM new/place.txt\nD gone.txt",
    );
    expect(read("added/new.txt")).toBe("fresh\nfile\n");
    expect(read("edit.txt")).toBe("alpha\nBETA\ngamma\n");
    expect(exists("gone.txt")).toBe(false);
    expect(exists("old/name.txt")).toBe(false);
    expect(read("new/place.txt")).toBe("moved\n");

    const changes = h
      .jsonEvents(result)
      .filter((e) => e.type.startsWith("item.") && e.item.type === "file_change");
    expect(changes.map((e) => [e.type, e.item.status])).toEqual([
      ["item.started", "in_progress"],
      ["item.completed", "completed"],
    ]);
    expect(changes[1].item.changes).toEqual([
      { path: "added/new.txt", kind: "add" },
      { path: "edit.txt", kind: "update" },
      { path: "gone.txt", kind: "delete" },
      { path: "old/name.txt", kind: "update", movePath: "new/place.txt" },
    ]);
  });

  it("offers the JSON function variant to a model outside the catalogue and applies it the same way", async () => {
    const patch = "*** Begin Patch\n*** Update File: edit.txt\n@@\n-one\n+uno\n*** End Patch";
    h = await startHarness(
      scenario(reply(functionCall("apply_patch", { input: patch }, "f1")), reply(text("ok"))),
    );
    write("edit.txt", "one\ntwo\n");

    const result = await h.run(["exec", "-s", "workspace-write", "-m", "some-unknown-model", "edit"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const tool = h.server.requests[0]!.body!.tools.find((t: { name: string }) => t.name === "apply_patch");
    expect(tool.type).toBe("function");
    expect(tool.parameters.properties.input.type).toBe("string");
    expect(tool.parameters.required).toEqual(["input"]);
    const output = outputFor(1, "f1");
    expect(output.type).toBe("function_call_output");
    expect(output.output).toBe("Success. Updated the following files:\nM edit.txt");
    expect(read("edit.txt")).toBe("uno\ntwo\n");
  });

  it("applies an apply_patch heredoc sent through the shell tool itself, in the cd'd directory", async () => {
    const heredoc =
      "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: top.txt\n+via heredoc\n*** End Patch\nEOF\n";
    const inSub =
      'cd sub && apply_patch <<"PATCH"\n*** Begin Patch\n*** Add File: inner.txt\n+in sub\n*** End Patch\nPATCH';
    h = await startHarness(
      scenario(
        reply(
          functionCall("shell", { command: ["bash", "-lc", heredoc] }, "s1"),
          functionCall("shell", { command: ["bash", "-lc", inSub] }, "s2"),
        ),
        reply(text("ok")),
      ),
    );
    fs.mkdirSync(path.join(h.workspace, "sub"));

    const result = await h.run(["exec", "-s", "workspace-write", "--json", "patch via shell"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(outputFor(1, "s1")).toMatchObject({
      type: "function_call_output",
      output: "Success. Updated the following files:\nA top.txt",
    });
    expect(outputFor(1, "s2").output).toBe("Success. Updated the following files:\nA inner.txt");
    expect(read("top.txt")).toBe("via heredoc\n");
    expect(read("sub/inner.txt")).toBe("in sub\n");
    expect(exists("inner.txt")).toBe(false);
  });

  // BUG: the JSON printer keys items on the tool name, so a patch applied through the shell tool
  // shows up as a command_execution (exit_code null) instead of a file_change (see the report).
  it("reports a heredoc patch sent through shell as a file_change in --json", async () => {
    const heredoc =
      "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: top.txt\n+via heredoc\n*** End Patch\nEOF\n";
    h = await startHarness(
      scenario(reply(functionCall("shell", { command: ["bash", "-lc", heredoc] }, "s1")), reply(text("ok"))),
    );
    const result = await h.run(["exec", "-s", "workspace-write", "--json", "patch via shell"]);
    expect(result.code).toBe(0);
    expect(read("top.txt")).toBe("via heredoc\n");
    const items = h
      .jsonEvents(result)
      .filter((e) => e.type === "item.completed")
      .map((e) => e.item);
    expect(items.map((item) => item.type)).toEqual(["file_change", "agent_message"]);
    expect(items[0]).toMatchObject({ status: "completed", changes: [{ path: "top.txt", kind: "add" }] });
  });

  it("tells the model which lines it could not find, and writes nothing when any hunk fails", async () => {
    const patch = [
      "*** Begin Patch",
      "*** Add File: first.txt",
      "+would be added",
      "*** Update File: edit.txt",
      "@@",
      "-not in the file",
      "+replacement",
      "*** End Patch",
    ].join("\n");
    h = await startHarness(
      scenario(reply(customToolCall("apply_patch", patch, "bad")), reply(text("noted"))),
    );
    write("edit.txt", "real content\n");

    const result = await h.run(["exec", "-s", "workspace-write", "--json", "edit"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const output = outputFor(1, "bad").output;
    expect(output).toContain("Failed to find expected lines in edit.txt:\nnot in the file");
    expect(output).toContain("No files were modified.");
    expect(exists("first.txt")).toBe(false);
    expect(read("edit.txt")).toBe("real content\n");
    const done = h
      .jsonEvents(result)
      .find((e) => e.type === "item.completed" && e.item.type === "file_change");
    expect(done.item.status).toBe("failed");
  });

  it("refuses a patch that writes outside the workspace under workspace-write and approval never", async () => {
    const patch =
      "*** Begin Patch\n*** Add File: ../escaped.txt\n+nope\n*** Add File: inside.txt\n+also not\n*** End Patch";
    h = await startHarness(
      scenario(reply(customToolCall("apply_patch", patch, "out")), reply(text("understood"))),
    );
    const escaped = path.join(path.dirname(h.workspace), "escaped.txt");

    const result = await h.run([
      "exec",
      "--json",
      "-s",
      "workspace-write",
      ...WORKSPACE_ONLY,
      "write outside",
    ]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const output = outputFor(1, "out").output;
    expect(output).toMatch(
      /^apply_patch was refused: the sandbox only allows writing inside the writable roots \(/,
    );
    expect(output).toContain(h.workspace);
    expect(output).toContain("this patch writes ../escaped.txt.");
    expect(output).toContain(
      "The approval policy is 'never', so this cannot be approved. No files were modified.",
    );
    expect(fs.existsSync(escaped)).toBe(false);
    expect(exists("inside.txt")).toBe(false);
    const done = h
      .jsonEvents(result)
      .find((e) => e.type === "item.completed" && e.item.type === "file_change");
    expect(done.item).toMatchObject({ status: "failed", changes: [] });
  });

  it("judges a patch by where it really lands: a symlink out of the workspace does not open a way out", async () => {
    const patch = "*** Begin Patch\n*** Add File: link/evil.txt\n+nope\n*** End Patch";
    h = await startHarness(scenario(reply(customToolCall("apply_patch", patch, "sym")), reply(text("ok"))));
    const outside = path.join(path.dirname(h.workspace), "outside");
    fs.mkdirSync(outside);
    fs.symlinkSync(outside, path.join(h.workspace, "link"));

    const result = await h.run([
      "exec",
      "-s",
      "workspace-write",
      ...WORKSPACE_ONLY,
      "write through the link",
    ]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(outputFor(1, "sym").output).toMatch(
      /^apply_patch was refused: .* this patch writes link\/evil\.txt\./,
    );
    expect(fs.existsSync(path.join(outside, "evil.txt"))).toBe(false);
  });

  it("under --full-auto asks for the outside write, and exec's denial reaches the model", async () => {
    const patch = "*** Begin Patch\n*** Add File: ../asked.txt\n+nope\n*** End Patch";
    h = await startHarness(scenario(reply(customToolCall("apply_patch", patch, "ask")), reply(text("ok"))));
    const result = await h.run(["exec", "--full-auto", ...WORKSPACE_ONLY, "write outside"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(outputFor(1, "ask").output).toBe("patch rejected by user");
    expect(fs.existsSync(path.join(path.dirname(h.workspace), "asked.txt"))).toBe(false);
  });
});
