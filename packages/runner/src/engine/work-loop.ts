import type { StepTimer } from "../budget/active-time.js";
import { IdenticalMessages, lowerEffort } from "../guards/ladder.js";
import { handoffMessage } from "../prompts/handoff.js";
import { checkpointMessage, continueMessage, verificationFailedMessage } from "../prompts/messages.js";
import type { StageCompleteArgs } from "../state/plan-schema.js";
import type { CheckResult, StageState } from "../state/state-schema.js";
import { stageCompleteTool } from "../tools/stage-complete.js";
import { lastGreen, takeCheckpoint } from "./checkpointing.js";
import { type RunContext, round } from "./context.js";
import { type Ending, fireGuard, type Recovery, rollBack } from "./recovery.js";
import { reviewStage } from "./review.js";
import { Segment, type TurnEnd } from "./segment.js";
import { type StopCause, TurnControl } from "./turn-control.js";
import { sessionCheckRunner, verifyGuarded, verifyStage } from "./verification.js";

/** A fresh segment starts once the conversation fills this share of the context window. */
const CONTEXT_SHARE = 0.5;
/** Model errors in a row (after the host's own retries) that end the run. */
const MAX_TURN_FAILURES = 5;

/**
 * Works through the plan, stage by stage, in segments: runs turns, verifies a stage when the
 * model says it is done, takes checkpoints on schedule and at every green stage, and answers
 * guards with nudges, re-plans and rollbacks. Returns how the run ends.
 */
export class WorkLoop {
  #segment: Segment | null = null;
  #input: string | null = null;
  #stageRequest: StageCompleteArgs | null = null;
  /** Model steps since the last write or verification (the paralysis guard). */
  #sinceWrite = 0;
  #lastTree: string | null = null;
  #messages = new IdenticalMessages();
  #turnFailures = 0;
  #failing: CheckResult[] = [];

  constructor(
    private readonly ctx: RunContext,
    private readonly steps: StepTimer,
  ) {}

  async run(): Promise<Ending> {
    try {
      return await this.#loop();
    } finally {
      await this.#closeSegment();
    }
  }

  async #loop(): Promise<Ending> {
    const { ctx } = this;
    while (true) {
      if (ctx.cancelled) return { status: "cancelled", reason: "cancelled by the user" };
      const stage = ctx.currentStage();
      if (!stage) return this.#allDone();
      const noRoom = ctx.outOfRoom();
      if (noRoom) return noRoom;
      if (stage.status === "pending") this.#startStage(stage);
      if (!this.#segment) await this.#openSegment(stage);
      const turn = await this.#turn(stage);
      const ending = await this.#handle(stage, turn.end, turn.cause, turn.detail);
      if (ending) return ending;
    }
  }

  #startStage(stage: StageState): void {
    const { ctx } = this;
    stage.status = "in_progress";
    stage.start_checkpoint = lastGreen(ctx)?.n ?? null;
    ctx.save();
    ctx.emit({ type: "run.stage", stage_id: stage.id, title: stage.title, status: "in_progress" });
    ctx.progressHeading(`Stage ${stage.id}: ${stage.title}`);
    ctx.progress(`started from checkpoint ${stage.start_checkpoint}`);
  }

  async #openSegment(stage: StageState): Promise<void> {
    const { ctx } = this;
    const tool = stageCompleteTool((args) => {
      const current = ctx.currentStage();
      if (!current || args.stage_id !== current.id) {
        return `stage "${args.stage_id}" is not the current stage; the current stage is "${current?.id}"`;
      }
      this.#stageRequest = args;
      return null;
    });
    this.#segment = await ctx.measure(() =>
      Segment.open(ctx, {
        purpose: "work",
        stageId: stage.id,
        model: ctx.settings.model,
        tools: [tool],
      }),
    );
    const latest = ctx.state.checkpoints.at(-1);
    this.#input = handoffMessage({
      task: ctx.state.task,
      stages: ctx.state.stages!,
      current: stage,
      progress: ctx.readProgress(),
      gitLog: latest ? await ctx.repo!.log(latest.commit) : "",
      failing: this.#failing,
      note: ctx.state.handoff_note,
      segment: this.#segment.record.n,
    });
    ctx.state.handoff_note = null;
    ctx.save();
    ctx.progress(`segment ${this.#segment.record.n} started (session ${this.#segment.session.id})`);
    this.#messages.reset();
  }

  async #turn(stage: StageState): Promise<{ end: TurnEnd; cause: StopCause | null; detail: string }> {
    const { ctx } = this;
    const segment = this.#segment!;
    const contextLimit = segment.session.usage().contextWindow * CONTEXT_SHARE;
    const control = new TurnControl(ctx, this.steps, {
      effort: () => segment.session.settings.reasoning?.effort,
      extra: (projection) => {
        if (this.#stageRequest) return "stage_complete";
        if (
          ctx.time.elapsedMs() - ctx.state.last_checkpoint_ms >=
          ctx.settings.checkpoint_interval_min * 60_000
        )
          return "checkpoint";
        if (projection.inputTokens > contextLimit) return "segment_full";
        if (this.#sinceWrite >= ctx.settings.paralysis_steps) return "paralysis";
        return null;
      },
    });
    const input = this.#input ?? continueMessage(stage);
    this.#input = null;
    const end = await segment.turn(input, control.limits(), control.abort.signal, {
      onRequest: () => {
        this.#sinceWrite++;
        this.#turnFailures = 0;
        ctx.checkBudgetWarnings();
      },
      onEvent: (event) => {
        if (event.type !== "tool_call_completed") return;
        this.#messages.reset();
        if (event.display?.kind === "patch" && event.success) this.#sinceWrite = 0;
      },
    });
    control.finish();
    this.steps.pause();
    return { end, cause: control.cause, detail: control.detail };
  }

  async #handle(
    stage: StageState,
    end: TurnEnd,
    cause: StopCause | null,
    detail: string,
  ): Promise<Ending | null> {
    const { ctx } = this;
    switch (cause) {
      case "cancelled":
        return { status: "cancelled", reason: "cancelled by the user" };
      case "budget": {
        const max = ctx.settings.max_cost!;
        ctx.emit({
          type: "run.budget",
          kind: "exceeded",
          percent: round((ctx.totalUsd() / max) * 100),
          spent_usd: round(ctx.totalUsd()),
          max_cost: max,
        });
        return { status: "budget_exceeded", reason: detail };
      }
      case "prices_unknown":
        return { status: "failed", reason: detail };
      case "deadline":
        return { status: "timed_out", reason: detail };
      case "stage_complete":
        return this.#verify(stage);
      case "checkpoint":
        return this.#scheduledCheckpoint(stage);
      case "segment_full":
        ctx.progress("the conversation filled half the context window: a fresh segment starts");
        await this.#closeSegment();
        return null;
      case "paralysis":
        return this.#paralysisCheck(stage);
      case "reasoning":
        return this.#recover(await fireGuard(ctx, stage, "reasoning", detail, () => this.#closeSegment()));
      default:
        break;
    }
    if (end.kind === "stopped" && end.reason.kind === "repeated_calls") {
      return this.#recover(
        await fireGuard(ctx, stage, "stuck", end.reason.message, () => this.#closeSegment()),
      );
    }
    if (end.kind === "failed") {
      this.#turnFailures++;
      ctx.progress(`model error: ${end.message}`);
      if (this.#turnFailures >= MAX_TURN_FAILURES) {
        return { status: "failed", reason: `${this.#turnFailures} model errors in a row: ${end.message}` };
      }
      await ctx.clock.sleep(Math.min(600_000, 30_000 * 2 ** (this.#turnFailures - 1))).catch(() => {});
      return null;
    }
    if (end.kind === "completed" && this.#messages.record(end.message)) {
      const text = (end.message ?? "").slice(0, 120);
      return this.#recover(
        await fireGuard(ctx, stage, "stuck", `the same message with no tool call, 3 times: "${text}"`, () =>
          this.#closeSegment(),
        ),
      );
    }
    // "Should I continue?" — nobody is there: the runner answers.
    this.#input = continueMessage(stage);
    return null;
  }

  async #verify(stage: StageState): Promise<Ending | null> {
    const { ctx } = this;
    const request = this.#stageRequest!;
    this.#stageRequest = null;
    this.#sinceWrite = 0;
    stage.summary = request.summary;
    ctx.save();
    ctx.progress(`stage_complete: ${request.summary}`);
    const { verdict, results } = await ctx.measure(() =>
      verifyStage(ctx, sessionCheckRunner(this.#segment!.session), stage, (s) =>
        reviewStage(ctx, this.steps, s),
      ),
    );
    if (verdict.green) {
      await ctx.measure(() => takeCheckpoint(ctx, { green: true, reason: `stage ${stage.id} done` }));
      stage.status = "done";
      stage.failed_verifications = 0;
      ctx.state.guard_counts = { stuck: 0, paralysis: 0, reasoning: 0 };
      ctx.save();
      ctx.emit({
        type: "run.stage",
        stage_id: stage.id,
        title: stage.title,
        status: "done",
        summary: request.summary,
      });
      ctx.progress(`stage ${stage.id} done: acceptance and checks green`);
      this.#failing = [];
      await this.#closeSegment();
      return null;
    }
    stage.failed_verifications++;
    ctx.save();
    const bad = new Set([...verdict.failing, ...verdict.regressions]);
    this.#failing = results.filter((r) => bad.has(r.id));
    const max = ctx.settings.max_failed_verifications;
    ctx.progress(
      `verification failed (${stage.failed_verifications}/${max}): ${[...bad].join(", ")}${verdict.regressions.length ? ` (regressions: ${verdict.regressions.join(", ")})` : ""}`,
    );
    if (stage.failed_verifications >= max) {
      await this.#closeSegment();
      const why = `${max} failed verifications in a row (${[...bad].join(", ")}${verdict.regressions.length ? `; regressions: ${verdict.regressions.join(", ")}` : ""})`;
      return this.#recover(await rollBack(ctx, stage, { why, toStageStart: true }));
    }
    this.#input = verificationFailedMessage(stage, this.#failing, max - stage.failed_verifications);
    return null;
  }

  async #scheduledCheckpoint(stage: StageState): Promise<Ending | null> {
    const { ctx } = this;
    const verdict = await ctx.measure(() => verifyGuarded(ctx, sessionCheckRunner(this.#segment!.session)));
    const checkpoint = await ctx.measure(() =>
      takeCheckpoint(ctx, {
        green: verdict.green,
        reason: `every ${ctx.settings.checkpoint_interval_min} min${verdict.green ? "" : `; failing: ${verdict.regressions.join(", ")}`}`,
      }),
    );
    if (checkpoint.tree !== this.#lastTree) this.#sinceWrite = 0;
    this.#lastTree = checkpoint.tree;
    if (this.#segment!.ageMs() >= ctx.settings.segment_minutes * 60_000) {
      await this.#closeSegment();
      return null;
    }
    this.#input = verdict.green
      ? checkpointMessage(checkpoint.n, stage)
      : `${checkpointMessage(checkpoint.n, stage)} These checks passed before and fail now: ${verdict.regressions.join(", ")}. Fix them first.`;
    return null;
  }

  /** Many steps without a patch: unless shell commands changed files, the paralysis guard fires. */
  async #paralysisCheck(stage: StageState): Promise<Ending | null> {
    if (await this.#treeMoved()) {
      this.#sinceWrite = 0;
      return null;
    }
    const steps = this.#sinceWrite;
    this.#sinceWrite = 0;
    return this.#recover(
      await fireGuard(this.ctx, stage, "paralysis", `${steps} steps without a write or a verification`, () =>
        this.#closeSegment(),
      ),
    );
  }

  /** Whether the work tree changed since the last look (any file, by any means). */
  async #treeMoved(): Promise<boolean> {
    const repo = this.ctx.repo!;
    const previous = this.#lastTree ?? (await repo.treeOf(this.ctx.state.checkpoints.at(-1)!.commit));
    this.#lastTree = await repo.snapshotTree();
    return this.#lastTree !== previous;
  }

  async #recover(recovery: Recovery): Promise<Ending | null> {
    if (recovery.kind === "end") return recovery.ending;
    if (recovery.kind === "new_segment") {
      await this.#closeSegment();
      this.#lastTree = null;
      return null;
    }
    if (recovery.lowerEffort) {
      const session = this.#segment!.session;
      const effort = lowerEffort(session.settings.reasoning?.effort);
      if (session.settings.reasoning && effort) session.updateSettings({ reasoningEffort: effort });
    }
    this.#input = recovery.text;
    return null;
  }

  #allDone(): Ending {
    const failed = (this.ctx.state.stages ?? []).filter((stage) => stage.status === "failed");
    if (failed.length === 0) return { status: "completed", reason: "every stage is done and verified" };
    return { status: "failed", reason: `stage(s) ${failed.map((s) => s.id).join(", ")} failed` };
  }

  async #closeSegment(): Promise<void> {
    const segment = this.#segment;
    this.#segment = null;
    this.#input = null;
    this.#stageRequest = null;
    if (segment) await segment.close();
  }
}
