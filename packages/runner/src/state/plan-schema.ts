import { z } from "zod";

/** A stage id: short, readable, safe in file names and messages. */
const stageId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, "use 1-40 letters, digits, '_', '.' or '-' (e.g. \"s1\")");

const command = z.string().trim().min(1, "an acceptance command cannot be empty").max(2000);

/** One stage as the model proposes it through `submit_plan`. */
export const stageSpecSchema = z.object({
  id: stageId,
  title: z.string().trim().min(1).max(200),
  goal: z.string().trim().min(1).max(4000),
  acceptance: z
    .array(command)
    .max(10)
    .describe(
      "shell commands (run with bash -lc in the project folder) that all exit 0 once the stage is done",
    ),
  review_criteria: z
    .array(z.string().trim().min(1, "a review criterion cannot be empty").max(1000))
    .max(5)
    .default([])
    .describe(
      "criteria no shell command can check (e.g. 'the README explains the new --foo flag clearly'), each judged yes/no by a reviewer model reading the stage's changes; prefer acceptance commands where one can check it",
    ),
  risks: z.array(z.string().max(1000)).max(10).default([]),
});

/** The arguments of `submit_plan`. */
export const planSchema = z
  .object({
    stages: z.array(stageSpecSchema).min(1).max(30),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.stages.forEach((stage, index) => {
      if (seen.has(stage.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["stages", index, "id"],
          message: `duplicate stage id "${stage.id}"`,
        });
      }
      seen.add(stage.id);
    });
  });

export type StageSpec = z.infer<typeof stageSpecSchema>;
export type Plan = z.infer<typeof planSchema>;

/** The arguments of `stage_complete`. */
export const stageCompleteSchema = z.object({
  stage_id: stageId,
  summary: z.string().trim().min(1).max(4000).describe("what was done and how it was checked"),
});

export type StageCompleteArgs = z.infer<typeof stageCompleteSchema>;
