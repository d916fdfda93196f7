import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import {
  type ComposerState,
  composerKey,
  composerPaste,
  EMPTY_COMPOSER,
  popupItems,
  popupQuery,
} from "../src/input/composer.js";

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

type Press = string | Partial<Key> | [string, Partial<Key>];

/** Presses keys in order; returns the state and what was submitted. */
function press(
  presses: Press[],
  options: { history?: string[]; items?: string[]; from?: ComposerState } = {},
) {
  let state = options.from ?? EMPTY_COMPOSER;
  const submitted: string[] = [];
  for (const p of presses) {
    const [input, key] = typeof p === "string" ? [p, {}] : Array.isArray(p) ? p : ["", p];
    const query = popupQuery(state);
    const items = query?.kind === "slash" ? popupItems(query, []) : (options.items ?? []);
    const result = composerKey(
      state,
      input,
      { ...NO_KEY, ...key },
      { history: options.history ?? [], items },
    );
    state = result.state;
    if (result.effect) submitted.push(result.effect.text);
  }
  return { state, submitted };
}

describe("the prompt editor", () => {
  it("edits in the middle, deletes words and lines, and submits on Enter", () => {
    const { state } = press([
      "hello world",
      { leftArrow: true },
      { leftArrow: true },
      "X",
      { backspace: true },
    ]);
    expect(state.buffer).toEqual({ text: "hello world", cursor: 9 });
    expect(press(["one two three", ["w", { ctrl: true }]]).state.buffer.text).toBe("one two ");
    expect(press(["abc", ["a", { ctrl: true }], ["k", { ctrl: true }]]).state.buffer.text).toBe("");
    const { submitted, state: after } = press(["fix the test", { return: true }]);
    expect(submitted).toEqual(["fix the test"]);
    expect(after.buffer.text).toBe("");
    expect(press(["   ", { return: true }]).submitted).toEqual([]);
  });

  it("makes new lines with Alt-Enter, Ctrl-J or a backslash before Enter, and moves between them", () => {
    const { state, submitted } = press([
      "first\\",
      { return: true },
      "second",
      [" ", { return: true, meta: true }],
      "third",
      ["\n", {}],
      "fourth",
      { upArrow: true },
      { upArrow: true },
    ]);
    expect(submitted).toEqual([]);
    expect(state.buffer.text).toBe("first\nsecond\nthird\nfourth");
    // Up from the end of "fourth" (column 6) to the end of "third" (column 5), then column 5 of "second".
    expect(state.buffer.cursor).toBe("first\nsecon".length);
  });

  it("recalls history with up and down from the first and last rows, and returns to the draft", () => {
    const history = ["old one", "old two"];
    const up = press(["draft", { upArrow: true }], { history });
    expect(up.state.buffer.text).toBe("old two");
    const further = press([{ upArrow: true }, { upArrow: true }, { upArrow: true }], {
      history,
      from: up.state,
    });
    expect(further.state.buffer.text).toBe("old one");
    const back = press([{ downArrow: true }, { downArrow: true }], { history, from: further.state });
    expect(back.state.buffer.text).toBe("draft");
  });

  it("offers slash commands, completes with Tab and runs the chosen one on Enter", () => {
    const typed = press(["/st"]);
    expect(popupItems(popupQuery(typed.state), [])).toEqual(["status"]);
    expect(press([{ tab: true }], { from: typed.state }).state.buffer.text).toBe("/status ");
    expect(press([{ return: true }], { from: typed.state }).submitted).toEqual(["/status"]);
    const all = press(["/", { downArrow: true }, { return: true }]);
    expect(all.submitted).toEqual(["/approvals"]);
    // Esc closes the popup; Enter then sends what was typed.
    expect(press(["/st", { escape: true }, { return: true }]).submitted).toEqual(["/st"]);
  });

  it("completes an @ mention from the file search results", () => {
    const typed = press(["look at @src/ma"]);
    expect(popupQuery(typed.state)).toEqual({ kind: "mention", query: "src/ma" });
    const chosen = press([{ downArrow: true }, { tab: true }], {
      from: typed.state,
      items: ["src/main.ts", "src/my file.ts"],
    });
    expect(chosen.state.buffer.text).toBe('look at @"src/my file.ts" ');
  });

  it("keeps a large paste as a placeholder and sends it whole", () => {
    const big = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\r\n");
    const pasted = composerPaste(press(["see: "]).state, big);
    const normalized = big.replace(/\r\n/g, "\n");
    expect(pasted.buffer.text).toBe(`see: [Pasted text #1: 40 lines, ${normalized.length} chars]`);
    const { submitted } = press([{ return: true }], { from: pasted });
    expect(submitted).toEqual([`see: ${big.replace(/\r\n/g, "\n")}`]);
    expect(composerPaste(EMPTY_COMPOSER, "short\npaste").buffer.text).toBe("short\npaste");
  });
});
