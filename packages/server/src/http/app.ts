import { Hono } from "hono";
import { ApiError, unauthorized } from "../api/errors.js";
import { openApiDocument } from "../api/openapi.js";
import { ArchiveError } from "../archive/limits.js";
import { authenticate } from "../keys/api-keys.js";
import type { AppDeps, Env } from "./deps.js";
import { agentRoutes } from "./handlers/agents.js";
import { fileRoutes } from "./handlers/files.js";
import { taskEventRoutes } from "./handlers/task-events.js";
import { taskRoutes } from "./handlers/tasks.js";
import { staticRoutes } from "./static.js";

/** The HTTP face: the page, the health check, the OpenAPI document, and the /v1 API behind a key. */
export function buildApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  let openapi: string | null = null;

  app.onError((err, c) => {
    if (err instanceof ApiError) {
      if (err.status === 401) c.header("WWW-Authenticate", 'Bearer realm="nightshift"');
      return c.json({ error: { type: err.type, message: err.message } }, err.status as 400);
    }
    if (err instanceof ArchiveError) {
      return c.json(
        { error: { type: "invalid_request_error", message: `the archive is refused: ${err.message}` } },
        400,
      );
    }
    deps.log(`error on ${c.req.method} ${c.req.path}: ${err.stack ?? err}`);
    return c.json(
      { error: { type: "server_error", message: "the server failed on this request; try again" } },
      500,
    );
  });
  app.notFound((c) =>
    c.json({ error: { type: "not_found_error", message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  app.get("/healthz", (c) =>
    deps.ready?.() === false ? c.json({ status: "starting" }, 503) : c.json({ status: "ok" }),
  );
  app.get("/v1/openapi.json", (c) => {
    openapi ??= JSON.stringify(openApiDocument(deps.version));
    return c.body(openapi, 200, { "content-type": "application/json" });
  });

  app.use("/v1/*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw unauthorized(
        "send your API key as Authorization: Bearer KEY (create one with nightshift serve keys create)",
      );
    const key = await authenticate(deps.storage, match[1]!);
    if (!key) throw unauthorized("the API key is not valid (unknown or revoked)");
    c.set("key", key);
    await next();
  });
  agentRoutes(app, deps);
  fileRoutes(app, deps);
  taskRoutes(app, deps);
  taskEventRoutes(app, deps);
  if (deps.webRoot) staticRoutes(app, deps.webRoot);
  return app;
}
