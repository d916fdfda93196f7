import type { SessionEvent } from "../agent/events.js";
import type { LoadedSession } from "./rollout-reader.js";
import type { RolloutLineType, RolloutPayload, SessionMeta } from "./rollout-types.js";
import type { SessionRef } from "./session-index.js";

export type { SessionRef } from "./session-index.js";

/** The append-only log of one open session. Every append reaches storage before the caller acts. */
export interface SessionLog {
  /** Where the session is stored (a file path for the JSONL store). */
  readonly path: string;
  append<T extends RolloutLineType>(type: T, payload: RolloutPayload<T>): void;
  /** Makes what was appended durable and visible to `find` (called at turn ends). */
  sync(): void;
  /** Closes the log and releases the session for other processes. */
  close(): void;
}

/** Which session to open: by id (or a unique prefix), or the most recent one (of a folder). */
export type SessionQuery = { id: string } | { last: true; cwd?: string };

/**
 * Where sessions live. The default keeps one JSONL rollout file per session under
 * `$NIGHTSHIFT_HOME/sessions` (see JsonlSessionStore); a server may keep them elsewhere.
 */
export interface SessionStore {
  /** Starts a new session's log with its meta line. */
  create(meta: SessionMeta): SessionLog;
  /** Opens a stored session to continue it: its state, and its log for appending (exclusively). */
  open(ref: SessionRef): { loaded: LoadedSession; log: SessionLog };
  find(query: SessionQuery): SessionRef | null;
  /** Sessions, most recently updated first (of one folder when `cwd` is given). */
  list(filter?: { cwd?: string }): SessionRef[];
  /** The persisted events of a session, in order, after `afterSeq` when given. */
  readEvents(ref: SessionRef, afterSeq?: number): SessionEvent[];
}
