import { costOf, type ModelInfo } from "../model/catalog.js";
import { addUsage, type Usage, ZERO_USAGE } from "../model/items.js";

/** What a request was for: the session's own role ("work" unless the face names another) or "compact". */
export const DEFAULT_USAGE_ROLE = "work";
export const COMPACT_USAGE_ROLE = "compact";

/**
 * One request's usage, as the rollout keeps it: the model that answered (and its provider, when
 * known), the request's role, and `estimated` when the server reported no usage and it was
 * counted by bytes/4. Lines written before roles existed read as the default role.
 */
export type LedgerEntry = {
  model: string;
  provider?: string;
  role?: string;
  usage: Usage;
  cost_usd: number | null;
  estimated?: boolean;
};

/** Tokens and dollars of one model in one role (`cost_usd` null when a price was unknown). */
export type UsageBreakdownRow = {
  model: string;
  provider: string | null;
  role: string;
  requests: number;
  usage: Usage;
  cost_usd: number | null;
};

export type RecordOptions = { estimated?: boolean; provider?: string; role?: string };

export type PriceLookup = (model: string, provider?: string) => ModelInfo["prices"];

/**
 * Token and dollar accounting of a session: every request's usage and cost, in total and broken
 * down by model and role. Rebuilt from the rollout's usage lines on resume, so totals survive
 * restarts.
 */
export class UsageLedger {
  #total: Usage = { ...ZERO_USAGE };
  #cost = 0;
  #costKnown = true;
  #requests = 0;
  #estimated = 0;
  #last: Usage | null = null;
  readonly #rows = new Map<string, UsageBreakdownRow>();
  readonly #priceOf: PriceLookup;
  readonly #role: string;

  constructor(
    priceOf: PriceLookup,
    history: readonly LedgerEntry[] = [],
    options: { defaultRole?: string } = {},
  ) {
    this.#priceOf = priceOf;
    this.#role = options.defaultRole ?? DEFAULT_USAGE_ROLE;
    for (const entry of history) {
      this.#add(entry, entry.cost_usd);
    }
  }

  /** The role of a request recorded without one. */
  get defaultRole(): string {
    return this.#role;
  }

  /**
   * Records one request; returns its cost in dollars (null when the price is unknown).
   * `estimated`: the server reported no usage and `usage` is our estimate.
   */
  record(model: string, usage: Usage, options: RecordOptions = {}): LedgerEntry {
    const cost = costOf(usage, this.#priceOf(model, options.provider));
    const entry: LedgerEntry = {
      model,
      ...(options.provider ? { provider: options.provider } : {}),
      role: options.role ?? this.#role,
      usage,
      cost_usd: cost,
      ...(options.estimated ? { estimated: true } : {}),
    };
    this.#add(entry, cost);
    return entry;
  }

  #add(entry: LedgerEntry, cost: number | null): void {
    const { usage } = entry;
    this.#total = addUsage(this.#total, usage);
    this.#requests++;
    if (entry.estimated) this.#estimated++;
    this.#last = usage;
    if (cost === null) this.#costKnown = false;
    else this.#cost += cost;
    const role = entry.role ?? DEFAULT_USAGE_ROLE;
    const provider = entry.provider ?? null;
    const key = JSON.stringify([entry.model, provider, role]);
    const row = this.#rows.get(key);
    if (!row) {
      this.#rows.set(key, { model: entry.model, provider, role, requests: 1, usage, cost_usd: cost });
      return;
    }
    row.requests++;
    row.usage = addUsage(row.usage, usage);
    row.cost_usd = row.cost_usd === null || cost === null ? null : row.cost_usd + cost;
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

  /** Tokens and dollars per (model, provider, role), in the order each first answered. */
  breakdown(): UsageBreakdownRow[] {
    return [...this.#rows.values()].map((row) => ({ ...row }));
  }
}

/** Rows summed over one key (e.g. by model, or by role), keeping the first-seen order. */
export function sumRows<K extends string>(
  rows: readonly UsageBreakdownRow[],
  keyOf: (row: UsageBreakdownRow) => K,
): { key: K; requests: number; usage: Usage; cost_usd: number | null }[] {
  const sums = new Map<K, { key: K; requests: number; usage: Usage; cost_usd: number | null }>();
  for (const row of rows) {
    const key = keyOf(row);
    const sum = sums.get(key);
    if (!sum) sums.set(key, { key, requests: row.requests, usage: row.usage, cost_usd: row.cost_usd });
    else {
      sum.requests += row.requests;
      sum.usage = addUsage(sum.usage, row.usage);
      sum.cost_usd = sum.cost_usd === null || row.cost_usd === null ? null : sum.cost_usd + row.cost_usd;
    }
  }
  return [...sums.values()];
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

/**
 * One line per model when more than one answered (a fallback, a compaction model): requests,
 * tokens and dollars of each. Empty when a single model did all the work.
 */
export function usageByModelLines(ledger: UsageLedger): string[] {
  const models = sumRows(ledger.breakdown(), (row) =>
    row.provider ? `${row.provider}:${row.model}` : row.model,
  );
  if (models.length < 2) return [];
  return models.map((m) => {
    const cost = m.cost_usd === null ? "cost unknown" : `$${m.cost_usd.toFixed(4)}`;
    return `  ${m.key}: ${m.requests} request${m.requests === 1 ? "" : "s"} · ${fmt(m.usage.input_tokens)} in · ${fmt(m.usage.output_tokens)} out · ${cost}`;
  });
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
