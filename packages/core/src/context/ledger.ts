import { costOf, type ModelInfo } from "../model/catalog.js";
import { addUsage, type Usage, ZERO_USAGE } from "../model/items.js";

/** One request's usage; `estimated` when the server reported none and it was counted by bytes/4. */
export type LedgerEntry = { model: string; usage: Usage; cost_usd: number | null; estimated?: boolean };

/**
 * Token and dollar accounting of a session: every request's usage and cost. Rebuilt from the
 * rollout's usage lines on resume, so totals survive restarts.
 */
export class UsageLedger {
  #total: Usage = { ...ZERO_USAGE };
  #cost = 0;
  #costKnown = true;
  #requests = 0;
  #estimated = 0;
  #last: Usage | null = null;
  readonly #priceOf: (model: string) => ModelInfo["prices"];

  constructor(priceOf: (model: string) => ModelInfo["prices"], history: readonly LedgerEntry[] = []) {
    this.#priceOf = priceOf;
    for (const entry of history) this.#add(entry.usage, entry.cost_usd, entry.estimated === true);
  }

  /**
   * Records one request; returns its cost in dollars (null when the price is unknown).
   * `estimated`: the server reported no usage and `usage` is our estimate.
   */
  record(model: string, usage: Usage, options: { estimated?: boolean } = {}): number | null {
    const cost = costOf(usage, this.#priceOf(model));
    this.#add(usage, cost, options.estimated === true);
    return cost;
  }

  #add(usage: Usage, cost: number | null, estimated: boolean): void {
    this.#total = addUsage(this.#total, usage);
    this.#requests++;
    if (estimated) this.#estimated++;
    this.#last = usage;
    if (cost === null) this.#costKnown = false;
    else this.#cost += cost;
  }

  get total(): Usage {
    return this.#total;
  }

  get requests(): number {
    return this.#requests;
  }

  /** How many of `requests` were counted by estimate because the server reported no usage. */
  get estimatedRequests(): number {
    return this.#estimated;
  }

  /** The most recent request's usage: its input plus output is what the context holds now. */
  get last(): Usage | null {
    return this.#last;
  }

  /** Total dollars, or null when some request's price was unknown. */
  get costUsd(): number | null {
    return this.#costKnown ? this.#cost : null;
  }

  /** Share of input tokens served from the provider's cache, 0..1. */
  get cacheHitRate(): number {
    return this.#total.input_tokens === 0 ? 0 : this.#total.cached_input_tokens / this.#total.input_tokens;
  }
}

/** The one-line summary printed at the end of `exec`. */
export function usageSummaryLine(ledger: UsageLedger, contextWindow: number, contextUsed: number): string {
  const t = ledger.total;
  const pct = (ledger.cacheHitRate * 100).toFixed(1);
  const cost = ledger.costUsd === null ? "cost unknown" : `$${ledger.costUsd.toFixed(4)}`;
  const left = Math.max(0, Math.round((1 - contextUsed / contextWindow) * 100));
  const estimated = ledger.estimatedRequests === 0 ? "" : ` (${ledger.estimatedRequests} estimated)`;
  return `tokens: ${fmt(t.input_tokens)} in (${fmt(t.cached_input_tokens)} cached, ${pct}% hit) · ${fmt(t.output_tokens)} out · ${cost} · ${left}% context left · ${ledger.requests} request${ledger.requests === 1 ? "" : "s"}${estimated}`;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
