import type { Session } from "./session.js";

export const DEFAULT_MAX_OPEN_SESSIONS = 8;

type Entry = {
  session: Session /** Opened and not yet used: its opener is about to run it. */;
  fresh: boolean;
};

/**
 * The open sessions of a long-lived face (the MCP server, the task API): each session is opened
 * once, however many callers ask for it at the same time (two logs on one session would interleave
 * it), and at most `maxOpen` stay open — opening another closes the least recently used idle one,
 * which a later caller reopens from storage.
 */
export class SessionPool {
  readonly #maxOpen: number;
  /** Open sessions by id, least recently used first. */
  readonly #open = new Map<string, Entry>();
  /** Sessions being opened, by id. */
  readonly #opening = new Map<string, Promise<Session>>();
  /** Sessions being closed, by id: reopening waits for the close to finish. */
  readonly #closing = new Map<string, Promise<void>>();

  constructor(options: { maxOpen?: number } = {}) {
    this.#maxOpen = Math.max(1, options.maxOpen ?? DEFAULT_MAX_OPEN_SESSIONS);
  }

  /** Adds a session just created; it counts as in use until `touch`ed. */
  add(session: Session): Session {
    this.#open.set(session.id, { session, fresh: true });
    this.#evictIdle();
    return session;
  }

  /** The open session `id`, or the one `open` resumes (once, whoever else asks meanwhile). */
  async get(id: string, open: () => Promise<Session>): Promise<Session> {
    const entry = this.#open.get(id);
    if (entry) return entry.session;
    let pending = this.#opening.get(id);
    if (!pending) {
      pending = (async () => {
        await this.#closing.get(id);
        return this.add(await open());
      })().finally(() => this.#opening.delete(id));
      this.#opening.set(id, pending);
    }
    return pending;
  }

  /** Marks a session as just used (most recently used last) and lets idle ones be closed. */
  touch(id: string): void {
    const entry = this.#open.get(id);
    if (!entry) return;
    entry.fresh = false;
    this.#open.delete(id);
    this.#open.set(id, entry);
    this.#evictIdle();
  }

  /** Ids of the open sessions, least recently used first. */
  openIds(): string[] {
    return [...this.#open.keys()];
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#opening.values()]);
    const sessions = [...this.#open.values()].map((entry) => entry.session);
    this.#open.clear();
    await Promise.all([...sessions.map((session) => session.close()), ...this.#closing.values()]);
  }

  /** Closes the least recently used idle sessions until at most `maxOpen` are open. */
  #evictIdle(): void {
    for (const [id, entry] of this.#open) {
      if (this.#open.size <= this.#maxOpen) return;
      const { session } = entry;
      // A session with terminal processes (a dev server the model polls) is not idle.
      if (session.busy || entry.fresh || session.liveProcesses > 0) continue;
      this.#open.delete(id);
      const closing = session
        .close()
        .catch(() => {})
        .finally(() => this.#closing.delete(id));
      this.#closing.set(id, closing);
    }
  }
}
