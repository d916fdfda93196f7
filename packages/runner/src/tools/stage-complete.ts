import { defineFunctionTool, type Tool } from "@nightshift/core";
import { type StageCompleteArgs, stageCompleteSchema } from "../state/plan-schema.js";

/**
 * `stage_complete`: the model says the current stage is done. The runner, not the model, then
 * decides: it runs the stage's acceptance commands and the verification command between turns.
 */
export function stageCompleteTool(request: (args: StageCompleteArgs) => string | null): Tool {
  return defineFunctionTool({
    name: "stage_complete",
    description:
      "Call when the current stage is done and you have run its acceptance commands yourself. The runner then runs the acceptance commands and the project's checks; you get the result in the next message. Only the current stage can be completed.",
    readOnly: false,
    parameters: stageCompleteSchema,
    async execute(args) {
      const problem = request(args);
      if (problem) return { success: false, output: problem };
      return {
        success: true,
        output: `Recorded. The runner now verifies stage ${args.stage_id}; wait for the result in the next message.`,
      };
    },
  });
}
