import { z } from "zod";
import { TASK_STATUSES } from "../storage/types.js";
import { named } from "./registry.js";

/** The bodies and queries the API accepts: the server validates with these, and documents them. */

const modelName = z.string().trim().min(1, "must not be empty").max(200);

export const createAgentBody = named(
  "CreateAgentRequest",
  z.strictObject({
    model: modelName.describe("The model that does the work."),
    timeout_hours: z.number().positive().max(24).describe("Working time limit of each task, at most 24."),
    checkpoint_interval: z.number().positive().max(1440).describe("Minutes of work between checkpoints."),
    max_cost: z
      .number()
      .positive()
      .describe("The whole bill of a task in US dollars: tokens plus the hourly fee."),
    hourly_fee: z.number().nonnegative().optional().describe("Dollars per hour of work added to the bill."),
    instructions: z.string().max(32_000).optional().describe("Standing instructions added to every task."),
    plan_model: modelName.optional().describe("The model that plans (default: model)."),
    review_model: modelName
      .optional()
      .describe("The model that judges review criteria a command cannot check (default: model)."),
    compact_model: modelName
      .optional()
      .describe("The model that writes compaction summaries (default: model)."),
  }),
);

export const createTaskBody = named(
  "CreateAgentTaskRequest",
  z.strictObject({
    agent_id: z.string().min(1),
    instructions: z.string().trim().min(1, "say what to do").max(100_000),
    files: z.array(z.string().min(1)).max(20).default([]).describe("Uploaded archives, unpacked in order."),
    output_format: z.enum(["zip", "patch"]),
    verify_command: z.string().trim().min(1).max(4000).optional(),
    webhook_url: z
      .url({ protocol: /^https?$/, error: "must be an http or https URL" })
      .max(2000)
      .optional(),
    metadata: z
      .record(z.string().max(64), z.string().max(512))
      .refine((m) => Object.keys(m).length <= 16, "at most 16 keys")
      .optional(),
  }),
);

export const uploadFileForm = named(
  "UploadFileRequest",
  z.object({
    file: z
      .string()
      .meta({ format: "binary" })
      .describe("The project as a .zip or .tar.gz (at most 256 MiB)."),
    purpose: z.literal("agent"),
  }),
);

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const pageQuery = z.strictObject({
  limit: limit(100, 20),
  after: z.string().optional().describe("An id: the page after it."),
  before: z.string().optional().describe("An id: the page before it."),
  order: z.enum(["asc", "desc"]).default("desc"),
});

export const listTasksQuery = pageQuery.extend({
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const statuses = s.split(",").map((x) => x.trim());
      for (const status of statuses) {
        if (!(TASK_STATUSES as readonly string[]).includes(status)) {
          ctx.addIssue({
            code: "custom",
            message: `unknown status "${status}" (one of ${TASK_STATUSES.join(", ")})`,
          });
          return z.NEVER;
        }
      }
      return statuses as (typeof TASK_STATUSES)[number][];
    })
    .describe("Comma-separated statuses."),
  agent_id: z.string().optional(),
});

export const eventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0).describe("Only events with a larger seq."),
  limit: limit(1000, 100),
});

export const idParams = z.object({ id: z.string().min(1).max(100) });
