import fs from "node:fs";
import path from "node:path";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { KEY, startTui, type TuiHarness } from "./tui-harness.js";

let h: TuiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const DATA_URL = `data:image/png;base64,${PNG.toString("base64")}`;
const PASTE = (pasted: string) => `\u001b[200~${pasted}\u001b[201~`;

const ask = (id: string, choices?: string[]) =>
  functionCall(
    "request_user_input",
    { question: "Which database should the tests use?", ...(choices ? { choices } : {}) },
    id,
  );

/** The output the model got for its call `id`. */
function answerTo(harness: TuiHarness, id: string): string {
  for (const request of harness.server.requests) {
    const found = (request.body?.input ?? []).find(
      (item: { type: string; call_id?: string }) =>
        item.type === "function_call_output" && item.call_id === id,
    );
    if (found) return String(found.output);
  }
  throw new Error(`no output for ${id}`);
}

describe("request_user_input in the interface", { timeout: 60_000 }, () => {
  it("shows the question with its choices, and a number chooses", async () => {
    h = await startTui(
      scenario(reply(ask("q1", ["sqlite", "postgres"])), reply(text("going with postgres"))),
    );
    h.type("set up tests", KEY.enter);
    await h.waitFor("The agent asks:");
    const asking = h.screen();
    expect(asking).toContain("Which database should the tests use?");
    expect(asking).toContain("[1] sqlite");
    expect(asking).toContain("[2] postgres");
    h.type("2");
    await h.waitFor("going with postgres");
    expect(answerTo(h, "q1")).toBe("The user answered: postgres");
    expect(h.screen()).toContain("→ postgres");
  });

  it("takes typed words as the answer, and Esc lets the model decide", async () => {
    h = await startTui(
      scenario(
        reply(ask("q1")),
        reply(text("noted your words")),
        reply(ask("q2")),
        reply(text("decided myself")),
      ),
    );
    h.type("set up tests", KEY.enter);
    await h.waitFor("The agent asks:");
    h.type("in-memory please", KEY.enter);
    await h.waitFor("noted your words");
    expect(answerTo(h, "q1")).toBe("The user answered: in-memory please");

    h.type("once more", KEY.enter);
    await h.waitFor("The agent asks:");
    h.type(KEY.esc);
    await h.waitFor("decided myself");
    expect(answerTo(h, "q2")).toContain("The user chose not to answer.");
    expect(h.screen()).toContain("not answered: the agent decides");
  });
});

describe("images in the interface", { timeout: 60_000 }, () => {
  it("attaches a pasted image path as an image of the message, and -i images to the first message", async () => {
    h = await startTui(scenario(reply(text("a tiny picture")), reply(text("another one"))));
    fs.writeFileSync(path.join(h.workspace, "shot.png"), PNG);
    fs.writeFileSync(path.join(h.workspace, "given.png"), PNG);
    h.type("look at ", PASTE(`'${path.join(h.workspace, "shot.png")}'`));
    await h.waitFor("look at [image 1: shot.png]");
    h.type(KEY.enter);
    await h.waitFor("a tiny picture");
    const first = h.server.requests[0]!.body!.input.at(-1);
    expect(first.content).toEqual([
      { type: "input_image", image_url: DATA_URL },
      { type: "input_text", text: "look at [image 1: shot.png]" },
    ]);

    // As with `-i`: attached to the next message.
    h.controller.attachImages([path.join(h.workspace, "given.png")]);
    await h.waitFor("Attached to your next message: given.png");
    h.type("and this", KEY.enter);
    await h.waitFor("another one");
    expect(h.screen()).toContain("[image: given.png]");
    expect(h.server.requests[1]!.body!.input.at(-1).content[0]).toEqual({
      type: "input_image",
      image_url: DATA_URL,
    });
  });

  it("refuses a file that is not an image with a clear message, and sends nothing", async () => {
    h = await startTui(scenario(reply(text("never"))));
    fs.writeFileSync(path.join(h.workspace, "fake.png"), "not an image at all");
    h.type("see ", PASTE("fake.png"));
    await h.waitFor("see [image 1: fake.png]");
    h.type(KEY.enter);
    await h.waitFor("cannot attach an image:");
    expect(h.screen()).toContain("fake.png is not a PNG, JPEG, GIF or WebP image");
    expect(h.server.requests).toHaveLength(0);
  });
});
