import fs from "node:fs";
import path from "node:path";

/** One session as the index knows it. */
export type SessionRef = {
  id: string;
  /** The rollout file. */
  path: string;
  /** The working directory the session started in. */
  cwd: string;
  createdAt: string;
  /** When a turn last ended (or the session was created). */
  updatedAt: string;
};

/** Rewrite the index once it holds this many more lines than sessions. */
const COMPACT_SLACK_LINES = 2_000;

/**
 * `sessions/index.jsonl`: one line per session created and per turn ended, so finding the latest
 * session of a folder reads one file instead of walking and stat-ing every rollout. Append-only
 * (a torn line is skipped); later lines of a session win. When it is missing, it is rebuilt once
 * from the rollouts' first lines.
 */
export class SessionIndex {
  readonly #file: string;
  readonly #root: string;

  constructor(sessionsRoot: string) {
    this.#root = sessionsRoot;
    this.#file = path.join(sessionsRoot, "index.jsonl");
  }

  append(ref: SessionRef): void {
    fs.mkdirSync(this.#root, { recursive: true, mode: 0o700 });
    // The first index of a home that already has sessions starts with all of them.
    if (!fs.existsSync(this.#file)) this.rebuild();
    fs.appendFileSync(this.#file, `${JSON.stringify(ref)}\n`, { mode: 0o600 });
  }

  /** Every session, most recently updated first. */
  list(): SessionRef[] {
    let text: string;
    try {
      text = fs.readFileSync(this.#file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      return this.rebuild();
    }
    const byId = new Map<string, SessionRef>();
    let lines = 0;
    for (const raw of text.split("\n")) {
      if (!raw) continue;
      lines++;
      const ref = parseRef(raw);
      if (ref) byId.set(ref.id, { ...byId.get(ref.id), ...ref });
    }
    const refs = [...byId.values()].filter((ref) => fs.existsSync(ref.path));
    if (lines > refs.length + COMPACT_SLACK_LINES) this.#write(refs);
    return refs.sort(newestFirst);
  }

  /** Rebuilds the index from the rollout files themselves. */
  rebuild(): SessionRef[] {
    const refs = walkRollouts(this.#root).flatMap((file) => {
      const ref = refFromRollout(file);
      return ref ? [ref] : [];
    });
    if (refs.length > 0) this.#write(refs);
    return refs.sort(newestFirst);
  }

  #write(refs: SessionRef[]): void {
    const tmp = `${this.#file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, refs.map((ref) => `${JSON.stringify(ref)}\n`).join(""), { mode: 0o600 });
      fs.renameSync(tmp, this.#file);
    } catch {
      // A read-only or full disk: the index is an accelerator, the rollouts stay the truth.
      fs.rmSync(tmp, { force: true });
    }
  }
}

function newestFirst(a: SessionRef, b: SessionRef): number {
  return b.updatedAt.localeCompare(a.updatedAt) || b.path.localeCompare(a.path);
}

function parseRef(raw: string): SessionRef | null {
  try {
    const value = JSON.parse(raw) as Partial<SessionRef>;
    if (typeof value.id !== "string" || typeof value.path !== "string") return null;
    return {
      id: value.id,
      path: value.path,
      cwd: String(value.cwd ?? ""),
      createdAt: String(value.createdAt ?? ""),
      updatedAt: String(value.updatedAt ?? value.createdAt ?? ""),
    };
  } catch {
    return null;
  }
}

const ROLLOUT_NAME = /^rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-(.+)\.jsonl$/;

/** The session id a rollout file is named after ("" for other files). */
export function sessionIdOf(file: string): string {
  return ROLLOUT_NAME.exec(path.basename(file))?.[1] ?? "";
}

function walkRollouts(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 3) walk(full, depth + 1);
      else if (entry.isFile() && ROLLOUT_NAME.test(entry.name)) found.push(full);
    }
  };
  walk(root, 0);
  return found;
}

/** A ref from a rollout's first line (its session_meta) and its modification time. */
function refFromRollout(file: string): SessionRef | null {
  const id = sessionIdOf(file);
  if (!id) return null;
  const head = readHead(file, 64 * 1024);
  const field = (name: string): string | undefined => {
    // The meta line may be longer than what was read (large instructions): pick fields, don't parse.
    const match = new RegExp(`"${name}":("(?:[^"\\\\]|\\\\.)*")`).exec(head.split("\n")[0] ?? "");
    try {
      return match ? (JSON.parse(match[1]!) as string) : undefined;
    } catch {
      return undefined;
    }
  };
  const mtime = safeMtime(file);
  return {
    id,
    path: file,
    cwd: field("cwd") ?? "",
    createdAt: field("created_at") ?? mtime,
    updatedAt: mtime,
  };
}

function readHead(file: string, bytes: number): string {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, "r");
    const buffer = Buffer.alloc(bytes);
    const read = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function safeMtime(file: string): string {
  try {
    return fs.statSync(file).mtime.toISOString();
  } catch {
    return new Date(0).toISOString();
  }
}
