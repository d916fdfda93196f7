import type { Delivered } from "../artifact/deliver.js";
import type {
  Baseline,
  Checkpoint,
  GuardEvent,
  ModelUsage,
  Rollback,
  RunStatus,
  StageStatus,
  TokenTotals,
} from "../state/state-schema.js";

/** report.json: what a run did and what it cost. */
export type RunReport = {
  run_id: string;
  status: RunStatus;
  reason: string;
  task: string;
  workspace: string;
  started_at: string;
  ended_at: string;
  elapsed_s: number;
  cost_usd: { tokens: number; fee: number; total: number };
  max_cost: number | null;
  hourly_fee: number;
  tokens: TokenTotals;
  requests: number;
  /** Tokens and dollars by model and role (plan, work, review, compact). */
  by_model: ModelUsage[];
  baseline: Baseline | null;
  stages: { id: string; title: string; status: StageStatus; summary: string | null; rollbacks: number }[];
  checkpoints: Omit<Checkpoint, "reason">[];
  rollbacks: Rollback[];
  guards: Omit<GuardEvent, "detail">[];
  artifact: Delivered;
};
