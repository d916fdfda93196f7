export const WARNING_LEVELS = [50, 80, 95] as const;

/**
 * The run's bill: every token at the model's prices plus the hourly fee for the working time.
 * Checked before every model request, so it never passes `max_cost`.
 */
export class Budget {
  readonly maxCost: number | null;
  readonly hourlyFee: number;
  /** Kept back for rounding and the unexpected: half a percent of max_cost (the wrap-up's fee is reserved as time). */
  readonly reserveUsd: number;

  constructor(settings: { maxCost: number | null; hourlyFee: number }) {
    this.maxCost = settings.maxCost;
    this.hourlyFee = settings.hourlyFee;
    this.reserveUsd = settings.maxCost === null ? 0 : settings.maxCost * 0.005;
  }

  feeUsd(elapsedMs: number): number {
    return (this.hourlyFee * elapsedMs) / 3_600_000;
  }

  /**
   * Whether the next request may be sent: spend so far + the request's worst case + the fee until
   * the next check and through the wrap-up (`aheadMs`) must stay within max_cost less the reserve.
   * Returns why not, or null.
   */
  refuse(args: {
    tokensUsd: number;
    projectedUsd: number;
    elapsedMs: number;
    aheadMs: number;
  }): string | null {
    if (this.maxCost === null) return null;
    const fee = this.feeUsd(args.elapsedMs + args.aheadMs);
    const worst = args.tokensUsd + args.projectedUsd + fee;
    const limit = this.maxCost - this.reserveUsd;
    if (worst <= limit) return null;
    return `the next request could bring the bill to $${worst.toFixed(4)} (tokens $${args.tokensUsd.toFixed(4)} + this request up to $${args.projectedUsd.toFixed(4)} + fee $${fee.toFixed(4)}), over $${limit.toFixed(4)} (max_cost $${this.maxCost.toFixed(2)} less a reserve of $${this.reserveUsd.toFixed(4)}; the fee counts through the wrap-up)`;
  }

  /**
   * The working time at which the fee, counted `aheadMs` further (the wrap-up), would use up what
   * the tokens leave (Infinity without a fee).
   */
  exhaustedAtMs(tokensUsd: number, aheadMs: number): number {
    if (this.maxCost === null || this.hourlyFee <= 0) return Number.POSITIVE_INFINITY;
    const left = this.maxCost - this.reserveUsd - tokensUsd;
    return Math.max(0, (left / this.hourlyFee) * 3_600_000 - aheadMs);
  }

  /** Warning levels (percent of max_cost) reached by `totalUsd` and not yet announced. */
  newWarnings(totalUsd: number, announced: readonly number[]): number[] {
    if (this.maxCost === null) return [];
    const percent = (totalUsd / this.maxCost) * 100;
    return WARNING_LEVELS.filter((level) => percent >= level && !announced.includes(level));
  }
}
