import { defineFunctionTool, type Tool } from "@nightshift/core";
import { type Plan, planSchema } from "../state/plan-schema.js";

/**
 * `submit_plan`: the model proposes the run's stages with their acceptance commands. Checked
 * here; an invalid plan comes back to the model as text so it can fix it.
 */
export function submitPlanTool(accept: (plan: Plan) => string | null): Tool {
  return defineFunctionTool({
    name: "submit_plan",
    description:
      "Submit the plan for this run: ordered stages, each with a goal and acceptance commands (shell commands that exit 0 once the stage is done, run by the runner in the project folder). The acceptance commands are fixed once submitted. Call it exactly once.",
    readOnly: true,
    parameters: planSchema,
    async execute(plan) {
      const problem = accept(plan);
      if (problem) return { success: false, output: `plan not accepted: ${problem}` };
      return {
        success: true,
        output: `Plan accepted: ${plan.stages.length} stage(s). The run continues with stage ${plan.stages[0]!.id}.`,
        display: {
          kind: "plan",
          explanation: null,
          steps: plan.stages.map((stage) => ({ step: `${stage.id}: ${stage.title}`, status: "pending" })),
        },
      };
    },
  });
}
