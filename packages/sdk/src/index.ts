/**
 * @nightshift/sdk — a typed client of `nightshift serve`, the task API:
 *
 *   const client = new Nightshift({ apiKey, baseURL });
 *   const agent = await client.agents.create({ model, timeout_hours: 8, checkpoint_interval: 30, max_cost: 20 });
 *   const file = await client.files.create({ file: fs.createReadStream("project.zip"), purpose: "agent" });
 *   const task = await client.agentTasks.create({ agent_id: agent.id, instructions, files: [file.id], output_format: "zip" });
 *   const done = await client.agentTasks.waitForCompletion(task.id, { onProgress: (t) => console.log(t.status) });
 */

export { type ClientOptions, Nightshift } from "./client.js";
export * from "./errors.js";
export { PagePromise } from "./pagination.js";
export type { EventsOptions, WaitOptions } from "./resources/agent-tasks.js";
export type { FileCreateParams } from "./resources/files.js";
export type { IdempotentOptions } from "./resources/idempotency.js";
export type { WebhookHeaders } from "./resources/webhooks.js";
export type { RetryPolicy } from "./retry.js";
export type { RequestOptions, Timers } from "./transport.js";
export * from "./types.js";
export { toFile, type Uploadable } from "./uploads.js";
