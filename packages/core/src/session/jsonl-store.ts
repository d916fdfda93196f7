import path from "node:path";
import type { SessionEvent } from "../agent/events.js";
import { type LoadedSession, loadRollout, readRolloutEvents } from "./rollout-reader.js";
import type { SessionMeta } from "./rollout-types.js";
import { RolloutWriter, rolloutPathFor } from "./rollout-writer.js";
import { SessionIndex, type SessionRef } from "./session-index.js";
import { SessionBusyError, SessionLock } from "./session-lock.js";
import { makeDirectory, StorageError } from "./storage-error.js";
import type { SessionLog, SessionQuery, SessionStore } from "./store.js";

/**
 * The default session store: one JSONL rollout per session under `<home>/sessions/YYYY/MM/DD/`,
 * an index file to find them, and a lock file per open session.
 */
export class JsonlSessionStore implements SessionStore {
  readonly #home: string;
  readonly #now: () => Date;
  readonly #index: SessionIndex;

  constructor(home: string, now: () => Date) {
    this.#home = home;
    this.#now = now;
    this.#index = new SessionIndex(path.join(home, "sessions"));
  }

  create(meta: SessionMeta): SessionLog {
    const file = rolloutPathFor(this.#home, meta.id, new Date(meta.created_at));
    let lock: SessionLock;
    try {
      makeDirectory(path.dirname(file));
      lock = SessionLock.acquire(file);
    } catch (err) {
      throw new StorageError("create the session file", file, err);
    }
    try {
      const writer = new RolloutWriter(file, this.#now);
      writer.append("session_meta", meta);
      const ref = {
        id: meta.id,
        path: file,
        cwd: meta.cwd,
        createdAt: meta.created_at,
        updatedAt: meta.created_at,
      };
      try {
        this.#index.append(ref);
      } catch {
        // The index only speeds up finding sessions; a rebuild recovers it.
      }
      return this.#log(writer, lock, ref);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  open(ref: SessionRef): { loaded: LoadedSession; log: SessionLog } {
    let lock: SessionLock;
    try {
      lock = SessionLock.acquire(ref.path);
    } catch (err) {
      if (err instanceof SessionBusyError) throw err;
      throw new StorageError("open the session file", ref.path, err);
    }
    try {
      const loaded = loadRollout(ref.path);
      const writer = new RolloutWriter(ref.path, this.#now);
      return { loaded, log: this.#log(writer, lock, { ...ref, cwd: ref.cwd || loaded.meta.cwd }) };
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  find(query: SessionQuery): SessionRef | null {
    const found = this.#find(query, this.#index.list());
    // A session the index does not know (copied in, or an index lost to a full disk): look again.
    return found ?? ("id" in query ? this.#find(query, this.#index.rebuild()) : null);
  }

  #find(query: SessionQuery, refs: SessionRef[]): SessionRef | null {
    if ("last" in query) {
      const cwd = query.cwd;
      return refs.find((ref) => cwd === undefined || ref.cwd === cwd) ?? null;
    }
    const matches = refs.filter((ref) => ref.id.startsWith(query.id));
    if (matches.length > 1 && !matches.every((ref) => ref.id === matches[0]!.id)) {
      throw new Error(`session id prefix "${query.id}" is ambiguous; give more characters`);
    }
    return matches[0] ?? null;
  }

  list(filter: { cwd?: string } = {}): SessionRef[] {
    const refs = this.#index.list();
    return filter.cwd === undefined ? refs : refs.filter((ref) => ref.cwd === filter.cwd);
  }

  readEvents(ref: SessionRef, afterSeq?: number): SessionEvent[] {
    return readRolloutEvents(ref.path, afterSeq);
  }

  #log(writer: RolloutWriter, lock: SessionLock, ref: SessionRef): SessionLog {
    const index = this.#index;
    const now = this.#now;
    let cwd = ref.cwd;
    return {
      path: writer.path,
      append(type, payload) {
        writer.append(type, payload);
        // A session belongs to the folder it was last used in (`resume --last` looks there).
        if (type === "turn_context") cwd = (payload as { cwd: string }).cwd;
      },
      sync() {
        writer.sync();
        try {
          index.append({ ...ref, cwd, updatedAt: now().toISOString() });
        } catch {
          // The index only speeds up finding sessions; a rebuild recovers it.
        }
      },
      close() {
        writer.close();
        lock.release();
      },
    };
  }
}
