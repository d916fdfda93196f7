import path from "node:path";
import { ArchiveError } from "./limits.js";

/**
 * An entry's name as a safe relative path ("a/b/c"), or null for the archive's root itself.
 * Absolute names, drive letters, backslashes, NUL bytes and `..` segments are refused.
 */
export function safeEntryPath(name: string): string | null {
  if (name.includes("\0"))
    throw new ArchiveError(`the entry name ${JSON.stringify(name)} contains a NUL byte`);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name) || name.includes("\\")) {
    throw new ArchiveError(
      `the entry ${JSON.stringify(name)} has an absolute path; entries must be relative`,
    );
  }
  const parts = name.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) {
    throw new ArchiveError(
      `the entry ${JSON.stringify(name)} climbs out with ".."; entries must stay inside`,
    );
  }
  if (parts.length === 0) return null;
  return parts.join("/");
}

/**
 * A symbolic link must stay inside the project: a relative target that, from the link's folder,
 * ends inside the root, with any `..` only at its start (so no link can climb out through another).
 */
export function checkLinkTarget(entry: string, target: string): void {
  const refuse = (why: string) => {
    throw new ArchiveError(`the link ${JSON.stringify(entry)} -> ${JSON.stringify(target)} ${why}`);
  };
  if (target === "" || target.includes("\0")) refuse("has an empty or invalid target");
  if (target.startsWith("/") || /^[A-Za-z]:/.test(target) || target.includes("\\")) {
    refuse("points to an absolute path; links must point inside the project");
  }
  const parts = target.split("/").filter((part) => part !== "" && part !== ".");
  const firstName = parts.findIndex((part) => part !== "..");
  if (firstName !== -1 && parts.slice(firstName).includes("..")) {
    refuse('has ".." after a name; write the target without it');
  }
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(entry), target));
  if (resolved === ".." || resolved.startsWith("../")) refuse("points outside the project");
}
