import path from "node:path";
import type { Key } from "ink";
import { matchingCommands } from "../commands/slash-commands.js";
import * as tb from "./text-buffer.js";

/** A paste this long (characters or lines) shows as a placeholder and is sent in full. */
export const LARGE_PASTE_CHARS = 1_000;
export const LARGE_PASTE_LINES = 12;

export type ComposerState = {
  buffer: tb.TextBuffer;
  /** Recalling history: which entry, and the draft to come back to. */
  recall: { index: number; draft: tb.TextBuffer } | null;
  /** Large pastes, shown as their placeholder until the prompt is sent. */
  pastes: { placeholder: string; text: string }[];
  /** Image files attached by pasting their path, each shown as its placeholder. */
  images: { placeholder: string; path: string }[];
  /** The highlighted entry of the popup. */
  selected: number;
  /** Esc closed the popup; it opens again once the text changes. */
  popupClosed: boolean;
};

export const EMPTY_COMPOSER: ComposerState = {
  buffer: tb.EMPTY,
  recall: null,
  pastes: [],
  images: [],
  selected: 0,
  popupClosed: false,
};

/** What the popup under the prompt offers: slash commands, or files for an `@` mention. */
export type PopupQuery = { kind: "slash"; query: string } | { kind: "mention"; query: string };

export function popupQuery(state: ComposerState): PopupQuery | null {
  if (state.popupClosed) return null;
  const { text, cursor } = state.buffer;
  const slash = /^\/(\S*)$/.exec(text.slice(0, cursor));
  if (slash && !/\s/.test(text)) return { kind: "slash", query: slash[1]! };
  const { word } = tb.wordAtCursor(state.buffer);
  if (word.startsWith("@") && !word.slice(1).includes("@")) return { kind: "mention", query: word.slice(1) };
  return null;
}

/** What the popup lists now; mention results come from the file index (searched by the caller). */
export function popupItems(query: PopupQuery | null, mentionResults: readonly string[]): string[] {
  if (!query) return [];
  if (query.kind === "slash") return matchingCommands(query.query).map((entry) => entry.name);
  return [...mentionResults];
}

/** A prompt sent: its text, and the image files whose placeholders it still holds. */
export type ComposerEffect = { kind: "submit"; text: string; images: string[] };

export type ComposerContext = {
  history: readonly string[];
  /** What the popup offers (see popupItems). */
  items: readonly string[];
};

/** Applies one key to the prompt. Global keys (Ctrl-C, Esc to interrupt) are the caller's. */
export function composerKey(
  state: ComposerState,
  input: string,
  key: Key,
  ctx: ComposerContext,
): { state: ComposerState; effect?: ComposerEffect } {
  const query = popupQuery(state);
  const items = query ? ctx.items : [];
  const edit = (buffer: tb.TextBuffer) => ({
    state: { ...state, buffer, selected: 0, popupClosed: false },
  });
  const move = (buffer: tb.TextBuffer) => ({ state: { ...state, buffer } });

  if (items.length > 0) {
    if (key.upArrow)
      return { state: { ...state, selected: (state.selected + items.length - 1) % items.length } };
    if (key.downArrow) return { state: { ...state, selected: (state.selected + 1) % items.length } };
    if (key.escape) return { state: { ...state, popupClosed: true } };
    const chosen = items[Math.min(state.selected, items.length - 1)]!;
    if (key.tab || (key.return && !key.meta)) {
      if (query!.kind === "mention") {
        const mention = /\s/.test(chosen) ? `@"${chosen}" ` : `@${chosen} `;
        return edit(tb.replaceWordAtCursor(state.buffer, mention));
      }
      if (key.tab) return edit(tb.bufferOf(`/${chosen} `));
      return submit({ ...state, buffer: tb.bufferOf(`/${chosen}`) });
    }
  }

  if (key.return && key.meta) return edit(tb.insert(state.buffer, "\n"));
  if (input === "\n" && !key.return) return edit(tb.insert(state.buffer, "\n"));
  if (key.return) {
    const { text, cursor } = state.buffer;
    // A backslash before Enter continues the prompt on a new line.
    if (cursor > 0 && text[cursor - 1] === "\\") {
      return edit(tb.insert(tb.backspace(state.buffer), "\n"));
    }
    return submit(state);
  }
  if (key.upArrow) {
    const moved = tb.up(state.buffer);
    if (moved) return move(moved);
    return recall(state, ctx.history, -1);
  }
  if (key.downArrow) {
    const moved = tb.down(state.buffer);
    if (moved) return move(moved);
    return recall(state, ctx.history, +1);
  }
  if (key.leftArrow) return move(key.ctrl || key.meta ? tb.wordLeft(state.buffer) : tb.left(state.buffer));
  if (key.rightArrow) return move(key.ctrl || key.meta ? tb.wordRight(state.buffer) : tb.right(state.buffer));
  if (key.home) return move(tb.lineStart(state.buffer));
  if (key.end) return move(tb.lineEnd(state.buffer));
  if (key.backspace) return edit(key.meta ? tb.deleteWordBefore(state.buffer) : tb.backspace(state.buffer));
  if (key.delete) return edit(tb.deleteForward(state.buffer));
  if (key.ctrl) {
    switch (input) {
      case "a":
        return move(tb.lineStart(state.buffer));
      case "e":
        return move(tb.lineEnd(state.buffer));
      case "b":
        return move(tb.left(state.buffer));
      case "f":
        return move(tb.right(state.buffer));
      case "u":
        return edit(tb.killToLineStart(state.buffer));
      case "k":
        return edit(tb.killToLineEnd(state.buffer));
      case "w":
        return edit(tb.deleteWordBefore(state.buffer));
      case "h":
        return edit(tb.backspace(state.buffer));
      default:
        return { state };
    }
  }
  if (key.meta && input === "b") return move(tb.wordLeft(state.buffer));
  if (key.meta && input === "f") return move(tb.wordRight(state.buffer));
  if (key.escape || key.tab || key.pageUp || key.pageDown || key.meta) return { state };
  if (input === "") return { state };
  return edit(tb.insert(state.buffer, typedText(input)));
}

/** Pasted text: inserted as it is, or as a placeholder when large. */
export function composerPaste(state: ComposerState, pasted: string): ComposerState {
  const text = pasted.replace(/\r\n?/g, "\n");
  const lines = text.split("\n").length;
  if (text.length < LARGE_PASTE_CHARS && lines < LARGE_PASTE_LINES) {
    return { ...state, buffer: tb.insert(state.buffer, text), selected: 0, popupClosed: false };
  }
  const placeholder = `[Pasted text #${state.pastes.length + 1}: ${lines} lines, ${text.length} chars]`;
  return {
    ...state,
    buffer: tb.insert(state.buffer, placeholder),
    pastes: [...state.pastes, { placeholder, text }],
  };
}

/** An image file attached where the cursor is, shown as `[image: name]` until the prompt is sent. */
export function composerAttachImage(state: ComposerState, file: string): ComposerState {
  const placeholder = `[image ${state.images.length + 1}: ${path.basename(file)}]`;
  return {
    ...state,
    buffer: tb.insert(state.buffer, placeholder),
    images: [...state.images, { placeholder, path: file }],
    selected: 0,
    popupClosed: false,
  };
}

/** The prompt as sent: placeholders replaced by what was pasted. */
export function expandPastes(state: ComposerState): string {
  let text = state.buffer.text;
  for (const paste of state.pastes) text = text.split(paste.placeholder).join(paste.text);
  return text;
}

function submit(state: ComposerState): { state: ComposerState; effect?: ComposerEffect } {
  const text = expandPastes(state);
  if (text.trim() === "") return { state };
  // An image whose placeholder was deleted is no longer attached.
  const images = state.images.filter((image) => state.buffer.text.includes(image.placeholder));
  return {
    state: EMPTY_COMPOSER,
    effect: { kind: "submit", text, images: images.map((image) => image.path) },
  };
}

function recall(
  state: ComposerState,
  history: readonly string[],
  step: -1 | 1,
): { state: ComposerState; effect?: ComposerEffect } {
  if (history.length === 0) return { state };
  const current = state.recall;
  if (step === -1) {
    const index = current ? Math.max(0, current.index - 1) : history.length - 1;
    const draft = current?.draft ?? state.buffer;
    return { state: { ...state, buffer: tb.bufferOf(history[index]!), recall: { index, draft } } };
  }
  if (!current) return { state };
  if (current.index + 1 >= history.length)
    return { state: { ...state, buffer: current.draft, recall: null } };
  const index = current.index + 1;
  return {
    state: { ...state, buffer: tb.bufferOf(history[index]!), recall: { index, draft: current.draft } },
  };
}

/** Typed (or unbracketed pasted) text: line endings become newlines, other controls are dropped. */
function typedText(input: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we drop
  return input.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}
