import { createContext, useContext } from "react";
import type { Highlighter } from "../render/highlight.js";
import type { Paint } from "../render/paint.js";

/** How things are drawn: with or without colour, and the code highlighter. */
export type Theme = {
  paint: Paint;
  highlight: Highlighter;
  /** An Ink colour, or nothing without colour (NO_COLOR). */
  hue(name: "red" | "green" | "yellow" | "cyan" | "magenta" | "blue" | "gray"): string | undefined;
};

export function createTheme(paint: Paint, highlight: Highlighter): Theme {
  return { paint, highlight, hue: (name) => (paint.color ? name : undefined) };
}

export const ThemeContext = createContext<Theme | null>(null);

export function useTheme(): Theme {
  const theme = useContext(ThemeContext);
  if (!theme) throw new Error("useTheme outside a ThemeContext");
  return theme;
}
