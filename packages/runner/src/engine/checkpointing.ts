import type { Checkpoint } from "../state/state-schema.js";
import { type RunContext, round } from "./context.js";

/**
 * Takes checkpoint n: the number is persisted as used before the commit is made, so a kill at any
 * moment never reuses it; the checkpoint is recorded (and announced) once its ref exists.
 */
export async function takeCheckpoint(
  ctx: RunContext,
  args: { green: boolean; reason: string },
): Promise<Checkpoint & { tree: string }> {
  const repo = ctx.repo!;
  const { state } = ctx;
  const n = state.next_checkpoint;
  state.next_checkpoint = n + 1;
  ctx.save();
  const tree = await repo.snapshotTree();
  const parent = state.checkpoints.at(-1)?.commit ?? (await repo.userHead(ctx.settings.workspace));
  const commit = await repo.commit(
    n,
    tree,
    parent,
    `nightshift run ${state.run_id}: checkpoint ${n} (${args.reason})`,
  );
  const checkpoint: Checkpoint = {
    n,
    commit,
    green: args.green,
    at_s: ctx.time.atS(),
    cost_usd: round(ctx.totalUsd()),
    reason: args.reason,
  };
  state.checkpoints.push(checkpoint);
  state.last_checkpoint_ms = ctx.time.elapsedMs();
  ctx.save();
  ctx.emit({ type: "run.checkpoint", ...checkpoint });
  ctx.progress(`checkpoint ${n}${args.green ? " (green)" : ""}: ${args.reason}`);
  return { ...checkpoint, tree };
}

/** The newest green checkpoint, optionally no newer than `atMost`. */
export function lastGreen(ctx: RunContext, atMost = Number.POSITIVE_INFINITY): Checkpoint | null {
  const list = ctx.state.checkpoints;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.green && list[i]!.n <= atMost) return list[i]!;
  return null;
}

/** Whether the work tree differs from the latest checkpoint (any file, however it was changed). */
export async function changedSinceCheckpoint(ctx: RunContext): Promise<boolean> {
  const latest = ctx.state.checkpoints.at(-1);
  if (!latest || !ctx.repo) return true;
  const [tree, checkpointTree] = await Promise.all([ctx.repo.snapshotTree(), ctx.repo.treeOf(latest.commit)]);
  return tree !== checkpointTree;
}
