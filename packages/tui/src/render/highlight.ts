import type { Element, ElementContent, Root } from "hast";
import { common, createLowlight } from "lowlight";
import type { Paint } from "./paint.js";

/** Colours a code block for the terminal; plain text when the language is unknown or colour is off. */
export type Highlighter = (code: string, language: string | undefined) => string;

type Style = (text: string) => string;

/** highlight.js classes (without the `hljs-` prefix) and their colours. */
function sheetOf(p: Paint): Record<string, Style> {
  return {
    comment: p.gray,
    quote: p.gray,
    keyword: p.magenta,
    "selector-tag": p.magenta,
    built_in: p.cyan,
    type: p.yellow,
    "title.class_": p.yellow,
    title: p.blue,
    "title.function_": p.blue,
    section: p.blue,
    name: p.blue,
    string: p.green,
    regexp: p.green,
    "template-variable": p.green,
    number: p.yellow,
    literal: p.yellow,
    symbol: p.yellow,
    attr: p.cyan,
    attribute: p.cyan,
    variable: p.red,
    meta: p.gray,
    addition: p.green,
    deletion: p.red,
    emphasis: p.italic,
    strong: p.bold,
  };
}

/** A highlighter over highlight.js's common languages (loaded with the interface, not by `exec`). */
export function createHighlighter(p: Paint): Highlighter {
  if (!p.color) return (code) => code;
  const lowlight = createLowlight(common);
  const sheet = sheetOf(p);
  const styleOf = (element: Element): Style | undefined => {
    const classes = (element.properties.className as string[] | undefined) ?? [];
    const names = classes.map((name) => name.replace(/^hljs-/, ""));
    const joined = names.join(".");
    return sheet[joined] ?? names.map((name) => sheet[name]).find((style) => style !== undefined);
  };
  const render = (nodes: ElementContent[]): string =>
    nodes
      .map((node) => {
        if (node.type === "text") return node.value;
        if (node.type !== "element") return "";
        const inner = render(node.children);
        const style = styleOf(node);
        // A style wraps each line alone, so a line never starts inside another line's colour.
        return style ? inner.split("\n").map(style).join("\n") : inner;
      })
      .join("");
  return (code, language) => {
    const name = language?.trim().split(/\s+/)[0]?.toLowerCase();
    if (!name || !lowlight.registered(name)) return code;
    try {
      const tree: Root = lowlight.highlight(name, code);
      return render(tree.children as ElementContent[]);
    } catch {
      return code;
    }
  };
}
