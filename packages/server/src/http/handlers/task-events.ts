import type { Hono } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { eventsQuery } from "../../api/requests.js";
import { honoPath, ROUTES } from "../../api/routes.js";
import { taskEventObject } from "../../api/serialize.js";
import { isTerminal, type TaskEventRow } from "../../storage/types.js";
import type { BusMessage } from "../../tasks/event-bus.js";
import type { AppDeps, Env } from "../deps.js";
import { query } from "../json-body.js";
import { ownTask } from "./tasks.js";

const PAGE = 500;

export function taskEventRoutes(app: Hono<Env>, deps: AppDeps): void {
  app.get(honoPath(ROUTES.listTaskEvents.path), async (c) => {
    const task = await ownTask(c, deps);
    const q = query(c, eventsQuery);
    const resumeFrom = Number(c.req.header("last-event-id"));
    const after = Number.isInteger(resumeFrom) && resumeFrom > q.after ? resumeFrom : q.after;
    if (!(c.req.header("accept") ?? "").includes("text/event-stream")) {
      const rows = await deps.storage.listEvents(task.id, after, q.limit + 1);
      return c.json({
        object: "list",
        data: rows.slice(0, q.limit).map(taskEventObject),
        has_more: rows.length > q.limit,
      });
    }
    return streamSSE(c, (stream) => follow(stream, deps, task.id, after));
  });
}

/**
 * The stored events after `after`, then live ones as they are stored, until the task ends (a last
 * `end` event with its status) or the client goes. Subscribing comes first, so nothing falls
 * between the stored and the live events; duplicates are dropped by seq.
 */
async function follow(stream: SSEStreamingApi, deps: AppDeps, taskId: string, after: number): Promise<void> {
  const queue: BusMessage[] = [];
  let wake: (() => void) | null = null;
  let gone = false;
  const unsubscribe = deps.bus.subscribe(taskId, (message) => {
    queue.push(message);
    wake?.();
  });
  stream.onAbort(() => {
    gone = true;
    wake?.();
  });
  let last = after;
  const write = async (row: TaskEventRow) => {
    if (row.seq <= last) return;
    last = row.seq;
    await stream.writeSSE({
      id: String(row.seq),
      event: row.type,
      data: JSON.stringify(taskEventObject(row)),
    });
  };
  const backlog = async () => {
    while (!gone) {
      const rows = await deps.storage.listEvents(taskId, last, PAGE);
      for (const row of rows) await write(row);
      if (rows.length < PAGE) return;
    }
  };
  const end = async (status: string) => {
    await backlog();
    await stream.writeSSE({ event: "end", data: JSON.stringify({ id: taskId, status }) });
  };
  let quietSince = Date.now();
  try {
    await backlog();
    const task = await deps.storage.getTaskById(taskId);
    if (!task || isTerminal(task.status)) return await end(task?.status ?? "unknown");
    while (!gone) {
      const message = queue.shift();
      if (message?.kind === "event") {
        await write(message.event);
        continue;
      }
      if (message?.kind === "end") return await end(message.status);
      const waitMs = Math.min(
        deps.sseKeepAliveS * 1000,
        (deps.eventPollS ?? Number.POSITIVE_INFINITY) * 1000,
      );
      const timedOut = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      wake = null;
      if (!timedOut || gone) continue;
      if (deps.eventPollS !== undefined) {
        // Workers in other processes store events this process's bus never hears of.
        const before = last;
        await backlog();
        const now = await deps.storage.getTaskById(taskId);
        if (now && isTerminal(now.status)) return await end(now.status);
        if (last !== before) {
          quietSince = Date.now();
          continue;
        }
      }
      if (Date.now() - quietSince >= deps.sseKeepAliveS * 1000 - 50) {
        quietSince = Date.now();
        await stream.write(": keep-alive\n\n");
      }
    }
  } finally {
    unsubscribe();
  }
}
