import { describe, expect, it } from "vitest";
import type { AgentRow, TaskRow } from "../src/storage/types.js";
import { runOptionsOf } from "../src/tasks/run-mapping.js";
import { taskRow } from "./helpers/storage-rows.js";

const agent: AgentRow = {
  id: "agent_1",
  owner: "key_1",
  created_at: 0,
  model: "gpt-5.5",
  timeout_hours: 2,
  checkpoint_interval: 30,
  max_cost: 10,
  hourly_fee: null,
  instructions: null,
  plan_model: "gpt-5.4-mini",
  review_model: "gpt-5.4-nano",
  compact_model: "gpt-5.4-mini",
};

describe("a task as a run", () => {
  it("gives the run the agent's model for each role", () => {
    const task: TaskRow = taskRow("task_1", agent.owner, { agent_id: agent.id });
    expect(runOptionsOf(agent, task, "/w")).toMatchObject({
      model: "gpt-5.5",
      planModel: "gpt-5.4-mini",
      reviewModel: "gpt-5.4-nano",
      compactModel: "gpt-5.4-mini",
    });
    const plain = runOptionsOf(
      { ...agent, plan_model: null, review_model: null, compact_model: null },
      task,
      "/w",
    );
    expect(plain.planModel).toBeUndefined();
    expect(plain.reviewModel).toBeUndefined();
    expect(plain.compactModel).toBeUndefined();
  });
});
