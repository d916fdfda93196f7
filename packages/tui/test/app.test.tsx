import fs from "node:fs";
import path from "node:path";
import { fault, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { KEY, startTui, type TuiHarness } from "./tui-harness.js";

let h: TuiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const touch = (file: string, id: string) => functionCall("shell", { command: ["touch", file] }, id);

describe("the interactive interface on a real session", { timeout: 60_000 }, () => {
  it("sends a prompt and shows the answer as Markdown under the user's message", async () => {
    h = await startTui(scenario(reply(text("Hello **there**.\n\n- one\n- two"))));
    await h.waitFor("Ask nightshift to do anything");
    expect(h.screen()).toContain("gpt-5.1-codex");
    h.type("say hi", KEY.enter);
    await h.waitFor("• two");
    const screen = h.screen();
    expect(screen).toContain("› say hi");
    expect(screen).toContain("• Hello there.");
    expect(h.server.requests).toHaveLength(1);
    expect(JSON.stringify(h.server.requests[0]!.body!.input)).toContain("say hi");
  });

  it("asks an approval inline and runs the command once it is answered yes", async () => {
    h = await startTui(scenario(reply(touch("made.txt", "c1")), reply(text("made it"))), {
      approvalPolicy: "untrusted",
    });
    h.type("make a file", KEY.enter);
    await h.waitFor("Run this command?");
    const screen = h.screen();
    expect(screen).toContain("$ touch made.txt");
    expect(screen).toMatch(
      /\[y\] yes \[a\] yes, for this session \[n\] no, tell the model \[esc\] abort the turn/,
    );
    expect(fs.existsSync(path.join(h.workspace, "made.txt"))).toBe(false);
    h.type("y");
    await h.waitFor("made it");
    expect(h.screen()).toContain("✓ approved: touch made.txt");
    expect(fs.existsSync(path.join(h.workspace, "made.txt"))).toBe(true);
  });

  it("tells the model no on n, and aborts the turn on Esc", async () => {
    h = await startTui(
      scenario(reply(touch("no.txt", "c1")), reply(text("understood")), reply(touch("abort.txt", "c2"))),
      { approvalPolicy: "untrusted" },
    );
    h.type("try", KEY.enter);
    await h.waitFor("Run this command?");
    h.type("n");
    await h.waitFor("understood");
    expect(h.screen()).toContain("✗ denied: touch no.txt");
    expect(JSON.stringify(h.server.requests[1]!.body!.input)).toContain("rejected by user");
    h.type("again", KEY.enter);
    await h.waitFor(/Run this command\?[\s\S]*touch abort\.txt/);
    h.type(KEY.esc);
    await h.waitFor("Stopped: the user aborted the turn at an approval prompt");
    expect(fs.existsSync(path.join(h.workspace, "abort.txt"))).toBe(false);
    expect(h.server.requests).toHaveLength(3);
  });

  it("interrupts a running turn with Esc and stays open; messages typed meanwhile come back", async () => {
    // The model streams a few words, then goes silent.
    const stalled = fault(
      { type: "stall", afterEvents: 5 },
      { response: { output: [text("Streaming partial words")] }, chunks: 1 },
    );
    h = await startTui(scenario(stalled, reply(text("after the interrupt"))));
    h.type("wait forever", KEY.enter);
    await h.waitFor("• Streaming partial words");
    h.type("queued thought", KEY.enter);
    await h.waitFor("↳ queued: queued thought");
    h.type(KEY.esc);
    await h.waitFor("Interrupted. Tell the model what to do differently.");
    // The queued message is back in the prompt for editing, and the interface goes on.
    await h.waitFor("› queued thought");
    h.type(KEY.enter);
    await h.waitFor("after the interrupt");
  });

  it("shows /status with the session's model, sandbox, tokens, cost and context", async () => {
    h = await startTui(scenario(reply(text("ok"))));
    h.type("hi", KEY.enter);
    await h.waitFor("• ok");
    h.type("/status", KEY.enter);
    await h.waitFor("Context");
    const screen = h.screen();
    expect(screen).toMatch(new RegExp(`Session\\s+${h.controller.session!.id}`));
    expect(screen).toMatch(/Model\s+gpt-5\.1-codex \(reasoning medium/);
    expect(screen).toMatch(/Provider\s+fake/);
    expect(screen).toMatch(/Sandbox\s+workspace-write, network off/);
    expect(screen).toMatch(/Tokens\s+[\d,]+ in \(\d+ cached\) · \d+ out/);
    expect(screen).toMatch(/Cost\s+\$\d+\.\d{4}/);
    expect(screen).toMatch(/Context\s+\d+% left/);
  });

  it("switches the reasoning effort and the approval preset from their pickers", async () => {
    h = await startTui(scenario(reply(text("ok"))));
    h.type("/model", KEY.enter);
    await h.waitFor("Reasoning effort for gpt-5.1-codex");
    h.type(KEY.down, KEY.enter);
    await h.waitFor("Model: gpt-5.1-codex, reasoning high");
    expect(h.controller.session!.settings.reasoning?.effort).toBe("high");
    h.type("/approvals", KEY.enter);
    await h.waitFor("What may the agent do without asking?");
    h.type("1");
    await h.waitFor("Approvals: Read only");
    expect(h.controller.session!.settings.policy.mode).toBe("read-only");
    expect(h.screen()).toContain("gpt-5.1-codex high · read-only · approvals on-request");
  });

  it("undoes the files of the last turn and tells the model", async () => {
    h = await startTui(scenario(reply(touch("made.txt", "c1")), reply(text("done")), reply(text("ok"))));
    h.type("make it", KEY.enter);
    await h.waitFor("• done");
    expect(fs.existsSync(path.join(h.workspace, "made.txt"))).toBe(true);
    h.type("/undo", KEY.enter);
    await h.waitFor('Undid the files of "make it": removed made.txt.');
    expect(fs.existsSync(path.join(h.workspace, "made.txt"))).toBe(false);
    h.type("next", KEY.enter);
    await h.waitFor("• ok");
    expect(JSON.stringify(h.server.requests[2]!.body!.input)).toContain("<user_undo>");
  });

  it("runs a !command, shows its output and exit code, and gives it to the model with the next prompt", async () => {
    h = await startTui(scenario(reply(text("seen"))));
    h.type("!echo from-the-shell; exit 3", KEY.enter);
    await h.waitFor(/✗ \$ echo from-the-shell; exit 3 exit 3/);
    expect(h.screen()).toContain("from-the-shell");
    h.type("what did it say?", KEY.enter);
    await h.waitFor("• seen");
    const input = JSON.stringify(h.server.requests[0]!.body!.input);
    expect(input).toContain("<user_shell_command>");
    expect(input).toContain("exit code: 3");
  });

  it("mentions files with a fuzzy @ search", async () => {
    h = await startTui(scenario(), { files: { "src/parser.ts": "", "README.md": "" } });
    h.type("look at @prs");
    await h.waitFor("src/parser.ts");
    h.type(KEY.tab);
    await h.waitFor("› look at @src/parser.ts");
  });

  it("draws without colour when colour is off, and leaves on a second Ctrl-C", async () => {
    h = await startTui(scenario());
    await h.waitFor("Ask nightshift");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for colour codes
    expect(h.raw()).not.toMatch(/\u001b\[(3[0-7]|9[0-7])m/);
    h.type(KEY.ctrlC);
    await h.waitFor("Press Ctrl-C again to quit");
    expect(h.controller.getSnapshot().exitRequested).toBe(false);
    h.type(KEY.ctrlC);
    await expect.poll(() => h!.controller.getSnapshot().exitRequested).toBe(true);
  });
});

describe("slash commands that talk to the host", () => {
  it("compacts on /compact, writes AGENTS.md through a turn on /init, and lists MCP servers on /mcp", async () => {
    // The fake provider compacts locally: the summary is one more model request.
    h = await startTui(
      scenario(
        reply(text("first answer")),
        reply(text("summary of the talk")),
        reply(text("wrote AGENTS.md")),
      ),
    );
    h.type("hello", KEY.enter);
    await h.waitFor("• first answer");
    h.type("/compact", KEY.enter);
    await h.waitFor(/Context compacted \(manual\)/);
    h.type("/init", KEY.enter);
    await h.waitFor("• wrote AGENTS.md");
    expect(h.screen()).toContain("› /init");
    expect(JSON.stringify(h.server.requests.at(-1)!.body!.input)).toContain("Write an AGENTS.md file");
    fs.writeFileSync(path.join(h.workspace, "AGENTS.md"), "# rules\n");
    h.type("/init", KEY.enter);
    await h.waitFor("AGENTS.md already exists");
    h.type("/mcp", KEY.enter);
    await h.waitFor("No MCP servers configured");
    h.type("/nope", KEY.enter);
    await h.waitFor("unknown command /nope");
  });
});
