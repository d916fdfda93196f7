import fs from "node:fs";
import path from "node:path";

const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp"]);

/**
 * The image file a paste names, or null: what a terminal pastes when a file is dropped on it or
 * copied from a file manager. One path alone, possibly quoted, `file://` URL-encoded, or with
 * backslash-escaped spaces; relative paths are taken from `cwd`. Only existing files with an
 * image's extension count (the content is checked when the message is sent).
 */
export function imagePathOf(pasted: string, cwd: string): string | null {
  let text = pasted.trim();
  if (text === "" || text.includes("\n")) return null;
  const quoted = /^(['"])(.*)\1$/.exec(text);
  if (quoted) text = quoted[2]!;
  else text = text.replace(/\\(.)/g, "$1");
  if (text.startsWith("file://")) {
    try {
      text = decodeURIComponent(new URL(text).pathname);
    } catch {
      return null;
    }
  }
  if (!IMAGE_EXTENSIONS.has(path.extname(text).toLowerCase())) return null;
  const full = path.resolve(cwd, text);
  try {
    return fs.statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}
