import type { Hono } from "hono";
import { notFound } from "../../api/errors.js";
import { createAgentBody, pageQuery } from "../../api/requests.js";
import { honoPath, ROUTES } from "../../api/routes.js";
import { agentObject, listObject } from "../../api/serialize.js";
import type { AgentRow } from "../../storage/types.js";
import { newId } from "../../util/ids.js";
import type { AppDeps, Env } from "../deps.js";
import { idempotent, send } from "../idempotency.js";
import { jsonBody, query } from "../json-body.js";

export function agentRoutes(app: Hono<Env>, deps: AppDeps): void {
  app.post(honoPath(ROUTES.createAgent.path), async (c) => {
    const { body, raw } = await jsonBody(c, createAgentBody);
    const created = await idempotent(c, deps, raw, async (tx) => {
      const row: AgentRow = {
        id: newId("agent"),
        owner: c.get("key").id,
        created_at: deps.clock.now(),
        model: body.model,
        timeout_hours: body.timeout_hours,
        checkpoint_interval: body.checkpoint_interval,
        max_cost: body.max_cost,
        hourly_fee: body.hourly_fee ?? null,
        instructions: body.instructions ?? null,
        plan_model: body.plan_model ?? null,
        review_model: body.review_model ?? null,
        compact_model: body.compact_model ?? null,
      };
      await tx.insertAgent(row);
      return { status: 200, body: agentObject(row) };
    });
    return send(c, created);
  });

  app.get(honoPath(ROUTES.listAgents.path), async (c) => {
    const page = query(c, pageQuery);
    const result = await deps.storage.listAgents(c.get("key").id, page);
    return c.json(listObject(result.data.map(agentObject), result.has_more));
  });

  app.get(honoPath(ROUTES.getAgent.path), async (c) => {
    const id = c.req.param("id")!;
    const row = await deps.storage.getAgent(c.get("key").id, id);
    if (!row) throw notFound("agent", id);
    return c.json(agentObject(row));
  });
}
