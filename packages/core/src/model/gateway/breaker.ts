/** How a provider's circuit stands: closed (used), open (skipped until `openUntil`), half-open (one more try). */
export type BreakerState = {
  state: "closed" | "open" | "half_open";
  /** When an open circuit lets a request through again (ms of the clock), else null. */
  openUntil: number | null;
  /** Times in a row the circuit opened; each doubles the rest. */
  trips: number;
  /** Why it last opened. */
  reason: string | null;
};

export const DEFAULT_COOLDOWN_MS = 60_000;
export const DEFAULT_MAX_COOLDOWN_MS = 15 * 60_000;

/**
 * One circuit breaker per provider. A provider that failed in a way retries could not fix is
 * tripped: it is skipped for a cooldown (doubling with each trip in a row, up to a cap), then
 * half-open — the next request tries it again; an answer closes the circuit, a failure opens it
 * for longer. Shared by the sessions of a face that passes the same instance, so a run's next
 * segment does not hammer a provider the previous one found down. Time comes from the clock given.
 */
export class CircuitBreakers {
  readonly #now: () => number;
  readonly #cooldownMs: number;
  readonly #maxCooldownMs: number;
  readonly #open = new Map<string, { trips: number; openUntil: number; reason: string }>();

  constructor(options: { now: () => number; cooldownMs?: number; maxCooldownMs?: number }) {
    this.#now = options.now;
    this.#cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.#maxCooldownMs = options.maxCooldownMs ?? DEFAULT_MAX_COOLDOWN_MS;
  }

  /** Whether a request may go to the provider now (closed, or half-open after its rest). */
  allows(providerId: string): boolean {
    const entry = this.#open.get(providerId);
    return !entry || entry.openUntil <= this.#now();
  }

  /** Opens the provider's circuit; returns when it lets a request through again. */
  trip(providerId: string, reason: string): number {
    const trips = (this.#open.get(providerId)?.trips ?? 0) + 1;
    const rest = Math.min(this.#maxCooldownMs, this.#cooldownMs * 2 ** (trips - 1));
    const openUntil = this.#now() + rest;
    this.#open.set(providerId, { trips, openUntil, reason });
    return openUntil;
  }

  /** The provider answered: its circuit closes. */
  succeeded(providerId: string): void {
    this.#open.delete(providerId);
  }

  state(providerId: string): BreakerState {
    const entry = this.#open.get(providerId);
    if (!entry) return { state: "closed", openUntil: null, trips: 0, reason: null };
    const open = entry.openUntil > this.#now();
    return {
      state: open ? "open" : "half_open",
      openUntil: entry.openUntil,
      trips: entry.trips,
      reason: entry.reason,
    };
  }
}
