import { z } from "zod";
import { errorObject, eventList, taskEventObject } from "./objects.js";
import { apiRegistry } from "./registry.js";
import { ROUTES, type RouteSpec } from "./routes.js";

type Json = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: "The request is invalid; the message says what to change.",
  401: "No valid API key.",
  404: "No such object for this key.",
  409: "Conflicts with the object's state or an earlier request with the same Idempotency-Key.",
  413: "The upload is too large.",
  415: "The body is not of the expected type.",
  503: "The server is starting; try again shortly.",
};

const ref = (schema: z.ZodType): Json => {
  const id = apiRegistry.get(schema)?.id;
  return id ? { $ref: `#/components/schemas/${id}` } : inline(schema);
};

function inline(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

function parameters(route: RouteSpec): Json[] {
  const list: Json[] = [];
  for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
    list.push({ name: match[1], in: "path", required: true, schema: { type: "string" } });
  }
  if (route.query) {
    const schema = inline(route.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const { description, ...rest } = property;
      list.push({
        name,
        in: "query",
        required: false,
        schema: rest,
        ...(description ? { description } : {}),
      });
    }
  }
  if (route.idempotent) {
    list.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "Repeat a request safely: the same key answers with the first response for 24 hours.",
      schema: { type: "string", maxLength: 255 },
    });
  }
  return list;
}

function responseContent(route: RouteSpec): Json {
  if (route.response === "binary")
    return { "application/octet-stream": { schema: { type: "string", format: "binary" } } };
  if (route.response === "json-or-event-stream") {
    return {
      "application/json": { schema: ref(eventList) },
      "text/event-stream": {
        schema: { type: "string" },
        description: `Server-sent events: "id: <seq>", "event: <type>", "data: <${apiRegistry.get(taskEventObject)?.id} as JSON>"; a last "event: end" with the task's status.`,
      },
    };
  }
  return { "application/json": { schema: ref(route.response) } };
}

function operation(name: string, route: RouteSpec): Json {
  const op: Json = {
    operationId: name,
    summary: route.summary,
    parameters: parameters(route),
    responses: {
      [String(route.status ?? 200)]: { description: "OK", content: responseContent(route) },
      ...Object.fromEntries(
        route.errors.map((status) => [
          String(status),
          { description: ERROR_TEXT[status], content: { "application/json": { schema: ref(errorObject) } } },
        ]),
      ),
    },
  };
  if (route.public) op.security = [];
  if (route.body) {
    op.requestBody = {
      required: true,
      content: {
        [route.multipart ? "multipart/form-data" : "application/json"]: { schema: ref(route.body) },
      },
    };
  }
  return op;
}

/** The OpenAPI 3.1 document of the API, from the same zod schemas the server validates with. */
export function openApiDocument(version: string): Json {
  const { schemas } = z.toJSONSchema(apiRegistry, {
    io: "input",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  const components: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema as Json;
    components[id] = rest;
  }
  const paths: Record<string, Json> = {};
  for (const [name, route] of Object.entries(ROUTES) as [string, RouteSpec][]) {
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: operation(name, route) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "nightshift task API",
      version,
      description:
        "Create an agent with its limits, upload a project, create a task, follow it, download the result. Webhooks follow Standard Webhooks.",
    },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "An API key from `nightshift serve keys create`.",
        },
      },
    },
  };
}
