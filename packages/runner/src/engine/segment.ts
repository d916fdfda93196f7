import {
  createSession,
  resumeSession,
  type SandboxMode,
  type Session,
  type SessionEvent,
  type StopReason,
  type Tool,
  type TurnLimits,
  type UsageBreakdownRow,
} from "@nightshift/core";
import type { ModelUsage, SegmentPurpose, Segment as SegmentRecord } from "../state/state-schema.js";
import type { RunContext } from "./context.js";

/** How a turn of a segment ended. */
export type TurnEnd =
  | { kind: "completed"; message: string | null }
  | { kind: "stopped"; reason: StopReason; message: string | null }
  | { kind: "failed"; message: string; aborted: boolean };

export type TurnWatch = {
  /** After each model request (its usage is already recorded). */
  onRequest?: () => void;
  onEvent?: (event: SessionEvent) => void;
};

/**
 * One conversation of the run: a fresh session whose spend is recorded in the run's state after
 * every request, so the bill survives a kill.
 */
export class Segment {
  private constructor(
    private readonly ctx: RunContext,
    readonly session: Session,
    readonly record: SegmentRecord,
  ) {}

  static async open(
    ctx: RunContext,
    args: {
      purpose: SegmentPurpose;
      stageId: string | null;
      model: string | null;
      tools: Tool[];
      sandbox?: SandboxMode;
      outputSchema?: Record<string, unknown>;
    },
  ): Promise<Segment> {
    const { settings } = ctx;
    const session = await createSession(
      {
        cwd: settings.workspace,
        model: args.model ?? undefined,
        approvalPolicy: "never",
        sandbox: args.sandbox,
        maxOutputTokens: settings.max_output_tokens,
        extensions: { tools: args.tools },
        outputSchema: args.outputSchema,
        // The purpose is the role its requests are booked under (compaction books as "compact").
        role: args.purpose,
        compactModel: settings.compact_model ?? undefined,
        fallbackModels: settings.fallback_models.length ? settings.fallback_models : undefined,
      },
      ctx.hostDeps,
    );
    const record: SegmentRecord = {
      n: ctx.state.segments.length,
      purpose: args.purpose,
      session_id: session.id,
      stage_id: args.stageId,
      started_ms: ctx.time.elapsedMs(),
      cost_usd: 0,
      tokens: { input: 0, cached: 0, output: 0 },
      requests: 0,
      by_model: [],
      settled: false,
    };
    ctx.state.segments.push(record);
    ctx.save();
    return new Segment(ctx, session, record);
  }

  /** Working ms since the segment started. */
  ageMs(): number {
    return this.ctx.time.elapsedMs() - this.record.started_ms;
  }

  async turn(
    input: string,
    limits: TurnLimits,
    signal: AbortSignal,
    watch: TurnWatch = {},
  ): Promise<TurnEnd> {
    let end: TurnEnd = {
      kind: "failed",
      message: "the turn ended without an outcome",
      aborted: signal.aborted,
    };
    for await (const event of this.session.runTurn(input, { signal, limits })) {
      this.ctx.onSessionEvent?.(event);
      watch.onEvent?.(event);
      switch (event.type) {
        case "token_count":
          this.#account(event.total, event.costUsd);
          watch.onRequest?.();
          break;
        case "turn_completed":
          end = { kind: "completed", message: event.lastAgentMessage };
          break;
        case "turn_stopped":
          end = { kind: "stopped", reason: event.reason, message: event.lastAgentMessage };
          break;
        case "turn_failed":
          end = { kind: "failed", message: event.error.message, aborted: event.error.kind === "aborted" };
          break;
        default:
          break;
      }
    }
    return end;
  }

  /** Reads the session's exact totals, marks the segment settled and closes the session. */
  async close(): Promise<void> {
    const usage = this.session.usage();
    this.#account(usage.total, usage.costUsd, usage.requests);
    this.record.settled = true;
    this.ctx.save();
    await this.session.close();
  }

  #account(
    total: { input_tokens: number; cached_input_tokens: number; output_tokens: number },
    costUsd: number | null | undefined,
    requests?: number,
  ): void {
    this.record.tokens = {
      input: total.input_tokens,
      cached: total.cached_input_tokens,
      output: total.output_tokens,
    };
    if (typeof costUsd === "number") this.record.cost_usd = costUsd;
    this.record.requests = requests ?? this.record.requests + 1;
    this.record.by_model = modelUsage(this.session.usage().breakdown);
    this.ctx.save();
  }
}

/** A session's usage breakdown as the run's state keeps it. */
export function modelUsage(rows: readonly UsageBreakdownRow[]): ModelUsage[] {
  return rows.map((row) => ({
    provider: row.provider,
    model: row.model,
    role: row.role,
    requests: row.requests,
    tokens: {
      input: row.usage.input_tokens,
      cached: row.usage.cached_input_tokens,
      output: row.usage.output_tokens,
    },
    cost_usd: row.cost_usd,
  }));
}

/**
 * A segment left open by a killed process may have spent more than the state says (a response's
 * usage is written to the session's log before the run hears of it): read the session's own
 * ledger back and settle the segment.
 */
export async function settleSegments(ctx: RunContext): Promise<void> {
  for (const record of ctx.state.segments) {
    if (record.settled) continue;
    const session = await resumeSession(
      { id: record.session_id },
      { cwd: ctx.settings.workspace },
      ctx.hostDeps,
    );
    try {
      const usage = session.usage();
      record.tokens = {
        input: usage.total.input_tokens,
        cached: usage.total.cached_input_tokens,
        output: usage.total.output_tokens,
      };
      if (usage.costUsd !== null) record.cost_usd = usage.costUsd;
      record.requests = usage.requests;
      record.by_model = modelUsage(usage.breakdown);
      record.settled = true;
      ctx.save();
    } finally {
      await session.close();
    }
  }
}
