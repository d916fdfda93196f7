import { z } from "zod";
import { defineFunctionTool } from "../tool.js";

const stepSchema = z.object({
  step: z.string().min(1).describe("A short, concrete step."),
  status: z.enum(["pending", "in_progress", "completed"]),
});

const parameters = z.object({
  explanation: z.string().optional().describe("Why the plan changed, if it did."),
  plan: z
    .array(stepSchema)
    .describe("The whole plan, in order. At most one step may be in_progress.")
    .refine((plan) => plan.filter((step) => step.status === "in_progress").length <= 1, {
      message: "at most one step can be in_progress at a time",
    }),
});

export type PlanStep = z.infer<typeof stepSchema>;

const DESCRIPTION = [
  "Record or revise your plan for the task: a short list of steps, each pending, in_progress or completed.",
  "Send the whole plan every time. Keep exactly one step in_progress while you work, mark steps completed as you",
  "finish them, and skip planning for trivial one-step tasks.",
].join(" ");

export const updatePlanTool = defineFunctionTool({
  name: "update_plan",
  description: DESCRIPTION,
  readOnly: false,
  parameters,
  describe: (args) => ({ kind: "plan", steps: args.plan, explanation: args.explanation ?? null }),
  async execute(args) {
    return {
      success: true,
      output: "Plan updated",
      display: { kind: "plan", steps: args.plan, explanation: args.explanation ?? null },
    };
  },
});
