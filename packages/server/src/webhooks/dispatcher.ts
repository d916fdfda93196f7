import type { Clock } from "@nightshift/core";
import type { SecretBox } from "../storage/secrets.js";
import type { Storage, WebhookRow } from "../storage/types.js";
import type { WebhookSender } from "./send.js";
import { signWebhook } from "./signing.js";

/** Waits after each failed attempt: 10 attempts over about 71.6 hours (within 3 days). */
export const RETRY_DELAYS_MS = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 72_000].map(
  (s) => s * 1000,
);

/**
 * Sends the outbox: every pending webhook whose time has come, signed with its key's secret, the
 * same webhook-id on every attempt; a failure waits for the next delay, a 410 or the last
 * failure gives up. Runs until stopped; `wake` makes it look at once (a new webhook committed).
 */
export class WebhookDispatcher {
  #stop = new AbortController();
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      storage: Storage;
      box: SecretBox;
      send: WebhookSender;
      clock: Clock;
      log: (line: string) => void;
      /** Longest sleep between looks (a webhook from another process is seen within it). */
      idleMs?: number;
    },
  ) {}

  start(): void {
    this.#loop ??= this.#run().catch((err: unknown) =>
      this.deps.log(`webhooks stopped: ${(err as Error).message}`),
    );
  }

  wake(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    await this.#loop;
  }

  /** One pass over what is due now; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    const due = await this.deps.storage.dueWebhooks(this.deps.clock.now(), 20);
    await Promise.all(due.map((row) => this.#attempt(row)));
    return due.length;
  }

  async #run(): Promise<void> {
    const { clock, storage } = this.deps;
    while (!this.#stop.signal.aborted) {
      if ((await this.deliverDue()) > 0) continue;
      const next = await storage.nextWebhookAt();
      const idle = this.deps.idleMs ?? 30_000;
      const wait = next === null ? idle : Math.min(idle, Math.max(0, next - clock.now()));
      await this.#sleep(wait);
    }
  }

  #sleep(ms: number): Promise<void> {
    const interrupt = new AbortController();
    const onStop = () => interrupt.abort();
    this.#stop.signal.addEventListener("abort", onStop, { once: true });
    this.#wake = () => interrupt.abort();
    return this.deps.clock
      .sleep(ms, interrupt.signal)
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        this.#wake = null;
        this.#stop.signal.removeEventListener("abort", onStop);
      });
  }

  async #attempt(row: WebhookRow): Promise<void> {
    const { storage, box, send, clock } = this.deps;
    const key = await storage.getApiKey(row.owner);
    if (!key) {
      await storage.updateWebhook(row.id, { status: "failed", last_error: "the API key no longer exists" });
      return;
    }
    const headers = signWebhook(
      box.open(key.webhook_secret_sealed),
      row.id,
      Math.floor(clock.now() / 1000),
      row.payload,
    );
    const result = await send(row.url, headers, row.payload);
    const attempts = row.attempts + 1;
    if (result.ok) {
      await storage.updateWebhook(row.id, {
        status: "delivered",
        attempts,
        delivered_at: clock.now(),
        last_error: null,
      });
      return;
    }
    const error = result.error ?? `HTTP ${result.status}`;
    const delay = RETRY_DELAYS_MS[attempts - 1];
    if (result.status === 410 || delay === undefined) {
      this.deps.log(`webhook ${row.id} for ${row.task_id} given up after ${attempts} attempt(s): ${error}`);
      await storage.updateWebhook(row.id, { status: "failed", attempts, last_error: error });
      return;
    }
    await storage.updateWebhook(row.id, {
      attempts,
      last_error: error,
      next_attempt_at: clock.now() + delay,
    });
  }
}
