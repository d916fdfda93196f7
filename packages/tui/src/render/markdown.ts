import { Lexer, type Token, type Tokens } from "marked";
import stringWidth from "string-width";
import type { Highlighter } from "./highlight.js";
import type { Paint } from "./paint.js";
import { terminalSafe } from "./terminal-safe.js";

/**
 * One line of rendered Markdown: a gutter (list markers, quote bars, indentation) that stays put
 * and text that wraps beside it, so a wrapped list item keeps its hanging indent.
 */
export type MdLine = { gutter: string; text: string };

type Context = { p: Paint; highlight: Highlighter; depth: number };

/** Renders the agent's Markdown for the terminal: styles, lists, quotes, tables and highlighted code. */
export function renderMarkdown(source: string, p: Paint, highlight: Highlighter): MdLine[] {
  const tokens = Lexer.lex(terminalSafe(source), { gfm: true });
  const lines = blocks(tokens, { p, highlight, depth: 0 });
  while (lines.length > 0 && isBlank(lines[lines.length - 1]!)) lines.pop();
  while (lines.length > 0 && isBlank(lines[0]!)) lines.shift();
  return lines;
}

/**
 * How much of a streaming message is made of finished blocks: every top-level block but the
 * last, which may still grow. A face commits that prefix to the scrollback and redraws only the rest.
 */
export function finishedBlocksLength(source: string): number {
  const tokens = Lexer.lex(source, { gfm: true });
  let length = 0;
  for (const token of tokens.slice(0, -1)) length += token.raw.length;
  // Only when the tokens account for the text exactly (the lexer normalises some input).
  if (!source.startsWith(tokens.map((token) => token.raw).join(""))) return 0;
  return length;
}

const isBlank = (line: MdLine) => line.text === "" && line.gutter.trim() === "";

function blocks(tokens: Token[], ctx: Context): MdLine[] {
  const out: MdLine[] = [];
  const blank = () => {
    if (out.length > 0 && !isBlank(out[out.length - 1]!)) out.push({ gutter: "", text: "" });
  };
  for (const token of tokens) {
    // Blocks of a message (not the parts of a tight list item) are set apart by a blank line.
    if (ctx.depth === 0 && token.type !== "space") blank();
    switch (token.type) {
      case "space":
        blank();
        break;
      case "paragraph":
      case "text": {
        const t = token as Tokens.Paragraph | Tokens.Text;
        const text = t.tokens ? inline(t.tokens, ctx) : t.text;
        for (const line of text.split("\n")) out.push({ gutter: "", text: line });
        break;
      }
      case "heading": {
        const t = token as Tokens.Heading;
        const text = inline(t.tokens, ctx);
        blank();
        out.push({ gutter: "", text: t.depth === 1 ? ctx.p.bold(ctx.p.underline(text)) : ctx.p.bold(text) });
        break;
      }
      case "code": {
        const t = token as Tokens.Code;
        const code = ctx.highlight(t.text, t.lang || undefined);
        out.push({ gutter: "", text: ctx.p.dim(`\`\`\`${t.lang ?? ""}`) });
        for (const line of code.split("\n")) out.push({ gutter: "", text: line });
        out.push({ gutter: "", text: ctx.p.dim("```") });
        break;
      }
      case "blockquote": {
        const inner = blocks((token as Tokens.Blockquote).tokens, ctx);
        const bar = ctx.p.dim("│ ");
        for (const line of inner) out.push({ gutter: bar + line.gutter, text: ctx.p.italic(line.text) });
        break;
      }
      case "list":
        out.push(...list(token as Tokens.List, ctx));
        break;
      case "table":
        out.push(...table(token as Tokens.Table, ctx));
        break;
      case "hr":
        out.push({ gutter: "", text: ctx.p.dim("─".repeat(24)) });
        break;
      case "html":
        for (const line of (token as Tokens.HTML).raw.replace(/\n+$/, "").split("\n"))
          out.push({ gutter: "", text: line });
        break;
      case "def":
        break;
      default:
        for (const line of token.raw.replace(/\n+$/, "").split("\n")) out.push({ gutter: "", text: line });
    }
  }
  return out;
}

function list(token: Tokens.List, ctx: Context): MdLine[] {
  const out: MdLine[] = [];
  const start = typeof token.start === "number" ? token.start : 1;
  const bullet = ctx.depth % 2 === 0 ? "•" : "◦";
  const markers = token.items.map((item, index) => {
    const base = token.ordered ? `${start + index}.` : bullet;
    return item.task ? `${base} ${item.checked ? "[x]" : "[ ]"}` : base;
  });
  const width = Math.max(...markers.map((marker) => stringWidth(marker)));
  token.items.forEach((item, index) => {
    const content = item.tokens.filter((child) => child.type !== "checkbox");
    const inner = blocks(content, { ...ctx, depth: ctx.depth + 1 });
    const marker = markers[index]!;
    const styled = token.ordered || item.task ? marker : ctx.p.dim(marker);
    const pad = " ".repeat(width + 1);
    inner.forEach((line, row) => {
      const lead = row === 0 ? `${styled}${" ".repeat(width + 1 - stringWidth(marker))}` : pad;
      const text = item.task && item.checked ? ctx.p.dim(line.text) : line.text;
      out.push({ gutter: lead + line.gutter, text });
    });
    if (inner.length === 0) out.push({ gutter: styled, text: "" });
    if (token.loose && index < token.items.length - 1) out.push({ gutter: "", text: "" });
  });
  return out;
}

function table(token: Tokens.Table, ctx: Context): MdLine[] {
  const header = token.header.map((cell) => inline(cell.tokens, ctx));
  const rows = token.rows.map((row) => row.map((cell) => inline(cell.tokens, ctx)));
  const widths = header.map((cell, col) =>
    Math.max(stringWidth(cell), ...rows.map((row) => stringWidth(row[col] ?? ""))),
  );
  const pad = (text: string, col: number) => {
    const space = " ".repeat(Math.max(0, widths[col]! - stringWidth(text)));
    return token.align[col] === "right" ? space + text : text + space;
  };
  const bar = ctx.p.dim(" │ ");
  const line = (cells: string[]) => cells.map((cell, col) => pad(cell, col)).join(bar);
  return [
    { gutter: "", text: line(header.map((cell) => ctx.p.bold(cell))) },
    { gutter: "", text: ctx.p.dim(widths.map((w) => "─".repeat(w)).join("─┼─")) },
    ...rows.map((row) => ({ gutter: "", text: line(header.map((_, col) => row[col] ?? "")) })),
  ];
}

function inline(tokens: Token[], ctx: Context): string {
  const { p } = ctx;
  return tokens
    .map((token) => {
      switch (token.type) {
        case "text": {
          const t = token as Tokens.Text;
          return t.tokens ? inline(t.tokens, ctx) : decodeEntities(t.text);
        }
        case "strong":
          return p.bold(inline((token as Tokens.Strong).tokens, ctx));
        case "em":
          return p.italic(inline((token as Tokens.Em).tokens, ctx));
        case "del":
          return p.strike(inline((token as Tokens.Del).tokens, ctx));
        case "codespan": {
          const text = decodeEntities((token as Tokens.Codespan).text);
          return p.color ? p.cyan(text) : `\`${text}\``;
        }
        case "link": {
          const t = token as Tokens.Link;
          const text = inline(t.tokens, ctx);
          return t.href === t.text || t.href === `mailto:${t.text}`
            ? p.underline(text)
            : `${p.underline(text)}${p.dim(` (${t.href})`)}`;
        }
        case "image": {
          const t = token as Tokens.Image;
          return p.dim(`[image: ${t.text || t.href}]`);
        }
        case "br":
          return "\n";
        case "escape":
          return (token as Tokens.Escape).text;
        case "checkbox":
          return "";
        default:
          return token.raw;
      }
    })
    .join("");
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}
