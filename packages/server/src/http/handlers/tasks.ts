import fs from "node:fs";
import { runPaths } from "@nightshift/runner";
import type { Hono } from "hono";
import { badRequest, conflict, notFound } from "../../api/errors.js";
import { createTaskBody, listTasksQuery } from "../../api/requests.js";
import { honoPath, ROUTES } from "../../api/routes.js";
import { listObject, taskObject } from "../../api/serialize.js";
import { isTerminal, type TaskRow } from "../../storage/types.js";
import { newId } from "../../util/ids.js";
import { checkWebhookUrl, WebhookUrlError } from "../../webhooks/address-policy.js";
import type { AppDeps, Ctx, Env } from "../deps.js";
import { idempotent, send } from "../idempotency.js";
import { jsonBody, query } from "../json-body.js";

const ARCHIVE_FORMATS = new Set(["zip", "tar.gz", "tar"]);

export function taskRoutes(app: Hono<Env>, deps: AppDeps): void {
  app.post(honoPath(ROUTES.createTask.path), async (c) => {
    const { body, raw } = await jsonBody(c, createTaskBody);
    if (body.webhook_url) {
      try {
        await checkWebhookUrl(body.webhook_url, deps.allowPrivateWebhooks);
      } catch (err) {
        if (err instanceof WebhookUrlError) throw badRequest(err.message);
        throw err;
      }
    }
    const owner = c.get("key").id;
    const created = await idempotent(c, deps, raw, async (tx) => {
      const agent = await tx.getAgent(owner, body.agent_id);
      if (!agent) throw notFound("agent", body.agent_id);
      for (const id of body.files) {
        const file = await tx.getFile(owner, id);
        if (!file) throw notFound("file", id);
        if (!ARCHIVE_FORMATS.has(file.format))
          throw badRequest(`the file ${id} is not an archive (it is a ${file.format})`);
      }
      const now = deps.clock.now();
      const row: TaskRow = {
        id: newId("task"),
        owner,
        created_at: now,
        updated_at: now,
        agent_id: agent.id,
        instructions: body.instructions,
        files: body.files,
        output_format: body.output_format,
        verify_command: body.verify_command ?? null,
        webhook_url: body.webhook_url ?? null,
        metadata: body.metadata ?? null,
        status: "queued",
        run_id: null,
        stage_index: null,
        stage_count: null,
        stage_id: null,
        stage_title: null,
        cost_usd: 0,
        max_cost: agent.max_cost,
        elapsed_s: 0,
        last_checkpoint: null,
        output_file_id: null,
        error_message: null,
        started_at: null,
        ended_at: null,
        cancel_requested_at: null,
      };
      await tx.insertTask(row);
      return { status: 200, body: taskObject(row) };
    });
    if (!created.replayed) deps.engine.wake();
    return send(c, created);
  });

  app.get(honoPath(ROUTES.listTasks.path), async (c) => {
    const q = query(c, listTasksQuery);
    const result = await deps.storage.listTasks(
      c.get("key").id,
      { status: q.status, agent_id: q.agent_id },
      { limit: q.limit, after: q.after, before: q.before, order: q.order },
    );
    return c.json(listObject(result.data.map(taskObject), result.has_more));
  });

  app.get(honoPath(ROUTES.getTask.path), async (c) => c.json(taskObject(await ownTask(c, deps))));

  app.get(honoPath(ROUTES.getTaskReport.path), async (c) => {
    const task = await ownTask(c, deps);
    if (!isTerminal(task.status) || !task.run_id)
      throw conflict(`the task is ${task.status}: its report comes when it ends`);
    const paths = runPaths(deps.home, task.run_id);
    let data: Record<string, unknown>;
    let markdown: string;
    try {
      data = JSON.parse(fs.readFileSync(paths.report, "utf8"));
      markdown = fs.readFileSync(paths.reportMd, "utf8");
    } catch {
      throw notFound("report of task", task.id);
    }
    delete data.workspace;
    if (data.artifact && typeof data.artifact === "object")
      data.artifact = { ...data.artifact, path: null, file_id: task.output_file_id };
    return c.json({ object: "agent_task.report", task_id: task.id, markdown, data });
  });

  app.post(honoPath(ROUTES.cancelTask.path), async (c) => {
    const task = await ownTask(c, deps);
    if (isTerminal(task.status)) throw conflict(`the task has already ended (${task.status})`);
    const now = deps.clock.now();
    await deps.storage.updateTask(task.id, {
      cancel_requested_at: task.cancel_requested_at ?? now,
      updated_at: now,
    });
    await deps.engine.cancel(task.id);
    return c.json(taskObject((await deps.storage.getTaskById(task.id))!));
  });
}

/** The caller's task with the path's id, or 404 (another key's task is not there for this one). */
export async function ownTask(c: Ctx, deps: AppDeps): Promise<TaskRow> {
  const id = c.req.param("id")!;
  const task = await deps.storage.getTask(c.get("key").id, id);
  if (!task) throw notFound("agent task", id);
  return task;
}
