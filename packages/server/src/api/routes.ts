import type { z } from "zod";
import {
  agentList,
  agentObject,
  fileObject,
  healthObject,
  reportObject,
  taskList,
  taskObject,
} from "./objects.js";
import {
  createAgentBody,
  createTaskBody,
  eventsQuery,
  listTasksQuery,
  pageQuery,
  uploadFileForm,
} from "./requests.js";

/**
 * Every endpoint in one table: the server takes its schemas from here to validate, and the
 * OpenAPI document is generated from it, so the two never disagree.
 */
export type RouteSpec = {
  method: "get" | "post";
  /** OpenAPI form: /v1/agents/{id}. */
  path: string;
  summary: string;
  body?: z.ZodType;
  multipart?: boolean;
  query?: z.ZodObject;
  /** A JSON schema, or what else the endpoint answers with. */
  response: z.ZodType | "binary" | "json-or-event-stream";
  status?: number;
  idempotent?: boolean;
  public?: boolean;
  errors: number[];
};

export const ROUTES = {
  health: {
    method: "get",
    path: "/healthz",
    summary: "Answers 200 once the server is ready.",
    response: healthObject,
    public: true,
    errors: [503],
  },
  createAgent: {
    method: "post",
    path: "/v1/agents",
    summary: "Create an agent: a model with the limits every task of it runs under.",
    body: createAgentBody,
    response: agentObject,
    idempotent: true,
    errors: [400, 401, 409],
  },
  listAgents: {
    method: "get",
    path: "/v1/agents",
    summary: "List your agents.",
    query: pageQuery,
    response: agentList,
    errors: [400, 401],
  },
  getAgent: {
    method: "get",
    path: "/v1/agents/{id}",
    summary: "Retrieve an agent.",
    response: agentObject,
    errors: [401, 404],
  },
  createFile: {
    method: "post",
    path: "/v1/files",
    summary: "Upload a project (zip or tar.gz, at most 256 MiB) as multipart form data.",
    body: uploadFileForm,
    multipart: true,
    response: fileObject,
    errors: [400, 401, 413, 415],
  },
  getFile: {
    method: "get",
    path: "/v1/files/{id}",
    summary: "Retrieve a file's metadata.",
    response: fileObject,
    errors: [401, 404],
  },
  getFileContent: {
    method: "get",
    path: "/v1/files/{id}/content",
    summary: "Download a file (an upload, or a task's output).",
    response: "binary",
    errors: [401, 404],
  },
  createTask: {
    method: "post",
    path: "/v1/agent_tasks",
    summary: "Create a task: the agent works on the uploaded project until it is done or a limit is reached.",
    body: createTaskBody,
    response: taskObject,
    idempotent: true,
    errors: [400, 401, 404, 409],
  },
  listTasks: {
    method: "get",
    path: "/v1/agent_tasks",
    summary: "List your tasks, newest first, filtered by status or agent.",
    query: listTasksQuery,
    response: taskList,
    errors: [400, 401],
  },
  getTask: {
    method: "get",
    path: "/v1/agent_tasks/{id}",
    summary: "Retrieve a task: status, current stage, cost, elapsed time, last checkpoint, output.",
    response: taskObject,
    errors: [401, 404],
  },
  listTaskEvents: {
    method: "get",
    path: "/v1/agent_tasks/{id}/events",
    summary:
      "A task's events after a seq: a JSON list, or with Accept: text/event-stream a live stream that ends when the task does.",
    query: eventsQuery,
    response: "json-or-event-stream",
    errors: [400, 401, 404],
  },
  getTaskReport: {
    method: "get",
    path: "/v1/agent_tasks/{id}/report",
    summary: "A finished task's report (JSON and Markdown).",
    response: reportObject,
    errors: [401, 404, 409],
  },
  cancelTask: {
    method: "post",
    path: "/v1/agent_tasks/{id}/cancel",
    summary:
      "Cancel a task: a queued one at once; a running one wraps up, delivers what it has, and ends cancelled.",
    response: taskObject,
    errors: [401, 404, 409],
  },
} satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** The route's path in Hono's syntax (/v1/agents/:id). */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}
