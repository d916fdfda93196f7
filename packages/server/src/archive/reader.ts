import type { Readable } from "node:stream";

export type EntryKind = "file" | "dir" | "symlink" | "hardlink" | "special";

/** One entry of an archive, whatever its format. */
export type EntryHeader = {
  name: string;
  kind: EntryKind;
  /** Declared unpacked size (files). */
  size: number;
  mode: number;
  /** The link's target (symlink, hardlink). */
  target?: string;
  /** What a special entry is ("character device", "fifo", ...). */
  special?: string;
};

/**
 * Called once per entry, in order. For a file, `open` gives its content (read it to the end, or
 * not at all); the reader waits for the visitor before moving on.
 */
export type EntryVisitor = (header: EntryHeader, open: (() => Promise<Readable>) | null) => Promise<void>;

export const MAX_LINK_TARGET = 4096;
