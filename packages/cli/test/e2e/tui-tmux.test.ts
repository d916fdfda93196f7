import fs from "node:fs";
import path from "node:path";
import { fault, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BIN, type Harness, startHarness } from "./harness.js";
import { envArgs, TmuxTerminal } from "./tmux-terminal.js";

let h: Harness | undefined;
let term: TmuxTerminal | undefined;
afterEach(async () => {
  term?.kill();
  await h?.close();
  h = undefined;
  term = undefined;
});

/** The SGR codes of colours (tmux writes them as 3x/9x or 38;5;n, alone or after other attributes). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape codes
const COLOUR = /\u001b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;[0-9;]+)(?:;[0-9;]*)?m/;

describe("nightshift in a real terminal (tmux)", () => {
  it("runs a prompt, answers an approval on screen, interrupts, shows /status, quits, and resumes", async () => {
    const stalled = fault(
      { type: "stall", afterEvents: 5 },
      { response: { output: [text("Thinking out loud before going quiet")] }, chunks: 1 },
    );
    h = await startHarness(
      scenario(
        reply(functionCall("shell", { command: ["touch", "made.txt"] }, "c1")),
        reply(text("I made **made.txt**.")),
        stalled,
      ),
    );
    const base = path.dirname(h.workspace);
    term = new TmuxTerminal(base, { ...h.env, TERM: "xterm-256color" });
    const nightshift = (...args: string[]) => ["env", ...envArgs(h!.env), process.execPath, BIN, ...args];

    // An 80x24 terminal.
    term.start("first", { columns: 80, rows: 24 }, h.workspace, nightshift("-a", "untrusted"));
    await term.waitFor("first", "Ask nightshift to do anything");

    term.type("first", "please make a file");
    term.keys("first", "Enter");
    await term.waitFor("first", "Run this command?");
    const asking = term.screen("first");
    expect(asking).toContain("$ touch made.txt");
    expect(asking).toContain("[y] yes");
    expect(fs.existsSync(path.join(h.workspace, "made.txt"))).toBe(false);
    term.type("first", "y");
    await term.waitFor("first", "I made made.txt.");
    expect(term.screen("first")).toContain("✓ approved: touch made.txt");
    expect(fs.existsSync(path.join(h.workspace, "made.txt"))).toBe(true);

    term.type("first", "now think");
    term.keys("first", "Enter");
    await term.waitFor("first", "Thinking out loud before going quiet");
    term.keys("first", "Escape");
    await term.waitFor("first", "Interrupted. Tell the model what to do differently.");
    // Still open: the prompt is back.
    await term.waitFor("first", /Ask nightshift to do anything[\s\S]*$/);

    term.type("first", "/status");
    term.keys("first", "Enter");
    const status = await term.waitFor("first", /Context\s+\d+% left/);
    expect(status).toMatch(/Model\s+gpt-5\.1-codex/);
    expect(status).toMatch(/Tokens\s+[\d,]+ in/);
    expect(status).toMatch(/Approvals\s+untrusted/);

    term.type("first", "/quit");
    term.keys("first", "Enter");
    const last = await term.waitFor("first", /To continue this session: nightshift resume ([0-9a-f-]{36})/);
    await term.waitForExit("first");
    const id = /nightshift resume ([0-9a-f-]{36})/.exec(last)![1]!;

    // A wide terminal without colour: `resume --last` shows the history from the persisted events.
    term.start("second", { columns: 160, rows: 40 }, h.workspace, [
      "env",
      "NO_COLOR=1",
      ...nightshift("resume", "--last"),
    ]);
    const resumed = await term.waitFor("second", "Resumed: 2 earlier turns shown above.");
    expect(resumed).toContain(id);
    expect(resumed).toContain("I made made.txt.");
    expect(resumed).toContain("✓ approved: touch made.txt");
    expect(term.screen("second", true)).not.toMatch(COLOUR);

    // /new, then /resume picks the earlier session from this folder's list.
    term.type("second", "/new");
    term.keys("second", "Enter");
    const headers = () => term!.screen("second").match(/session [0-9a-f-]{36} · model/g) ?? [];
    await vi.waitFor(() => expect(headers()).toHaveLength(2), { timeout: 20_000, interval: 25 });
    expect(headers()[1]).not.toContain(id);
    term.type("second", "/resume");
    term.keys("second", "Enter");
    await term.waitFor("second", `Sessions of ${h.workspace}, latest first`);
    expect(term.screen("second")).toMatch(new RegExp(`› 1\\. .*${id}`));
    term.keys("second", "Enter");
    await vi.waitFor(
      () => expect(term!.screen("second").split("Resumed: 2 earlier turns shown above.").length).toBe(3),
      { timeout: 20_000, interval: 25 },
    );

    // Ctrl-C on an empty prompt asks; a second one leaves.
    term.keys("second", "C-c");
    await term.waitFor("second", "Press Ctrl-C again to quit");
    term.keys("second", "C-c");
    await term.waitForExit("second");
    expect(term.screen("second")).toContain(`To continue this session: nightshift resume ${id}`);
    expect(h.server.failures).toEqual([]);
  }, 180_000);
});

describe("images and questions in a real terminal (tmux)", () => {
  it("attaches -i images and a pasted image path, and asks the model's question on screen", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
      "base64",
    );
    h = await startHarness(
      scenario(
        reply(
          functionCall(
            "request_user_input",
            { question: "Crop or keep the border?", choices: ["crop", "keep"] },
            "q1",
          ),
        ),
        reply(text("Cropping it.")),
        reply(text("Second picture seen.")),
      ),
    );
    fs.writeFileSync(path.join(h.workspace, "given.png"), png);
    fs.writeFileSync(path.join(h.workspace, "dropped image.png"), png);
    const url = `data:image/png;base64,${png.toString("base64")}`;
    term = new TmuxTerminal(path.dirname(h.workspace), { ...h.env, TERM: "xterm-256color" });
    term.start("images", { columns: 100, rows: 30 }, h.workspace, [
      "env",
      ...envArgs(h.env),
      process.execPath,
      BIN,
      "-i",
      "given.png",
    ]);
    await term.waitFor("images", "Attached to your next message: given.png");
    term.type("images", "fix this picture");
    term.keys("images", "Enter");
    await term.waitFor("images", "The agent asks:");
    expect(term.screen("images")).toContain("[2] keep");
    term.type("images", "1");
    await term.waitFor("images", "Cropping it.");
    const first = h.server.requests[0]!.body!.input.at(-1);
    expect(first.content).toEqual([
      { type: "input_image", image_url: url },
      { type: "input_text", text: "fix this picture" },
    ]);
    const answer = h.server.requests[1]!.body!.input.at(-1);
    expect(answer).toMatchObject({ call_id: "q1", output: "The user answered: crop" });

    // A file dropped on the terminal arrives as a bracketed paste of its (escaped) path.
    term.tmux("set-buffer", "-b", "drop", `${path.join(h.workspace, "dropped\\ image.png")}`);
    term.tmux("paste-buffer", "-p", "-b", "drop", "-t", "images");
    await term.waitFor("images", "[image 1: dropped image.png]");
    term.keys("images", "Enter");
    await term.waitFor("images", "Second picture seen.");
    expect(h.server.requests[2]!.body!.input.at(-1).content[0]).toEqual({
      type: "input_image",
      image_url: url,
    });
    expect(h.server.failures).toEqual([]);
  }, 120_000);
});
