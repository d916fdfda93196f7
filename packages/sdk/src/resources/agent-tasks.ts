import { APIConnectionError, APIUserAbortError, WaitTimeoutError } from "../errors.js";
import { PagePromise } from "../pagination.js";
import { readServerSentEvents } from "../sse.js";
import type { RequestOptions, Timers, Transport } from "../transport.js";
import {
  type AgentTask,
  type AgentTaskCreateParams,
  type AgentTaskEvent,
  type AgentTaskListParams,
  type AgentTaskReport,
  type EventPage,
  isTerminalStatus,
  type Page,
} from "../types.js";
import { type IdempotentOptions, idempotencyHeaders } from "./idempotency.js";

export type WaitOptions = {
  /** Called with the task whenever its status, stage, cost or checkpoint changed. */
  onProgress?: (task: AgentTask) => void;
  /** Milliseconds between polls (default 2000). */
  pollInterval?: number;
  /** Give up (WaitTimeoutError) after this many milliseconds (default: never). */
  timeout?: number;
  signal?: AbortSignal;
};

export type EventsOptions = {
  /** Only events with a larger seq (default 0: all). */
  after?: number;
  signal?: AbortSignal;
  /** Reconnections in a row without a new event before giving up (default: the client's maxRetries). */
  maxReconnects?: number;
};

const path = (id: string, rest = "") => `/v1/agent_tasks/${encodeURIComponent(id)}${rest}`;

/** Tasks: an agent working on uploaded projects until done or a limit is reached. */
export class AgentTasks {
  constructor(
    private readonly transport: Transport,
    private readonly timers: Timers,
  ) {}

  create(params: AgentTaskCreateParams, options: IdempotentOptions = {}): Promise<AgentTask> {
    return this.transport.json<AgentTask>(
      { method: "POST", path: "/v1/agent_tasks", json: params },
      idempotencyHeaders(options),
    );
  }

  retrieve(id: string, options?: RequestOptions): Promise<AgentTask> {
    return this.transport.json<AgentTask>({ method: "GET", path: path(id) }, options);
  }

  list(params: AgentTaskListParams = {}, options?: RequestOptions): PagePromise<AgentTask> {
    const status = Array.isArray(params.status) ? params.status.join(",") : params.status;
    return new PagePromise((after) =>
      this.transport.json<Page<AgentTask>>(
        {
          method: "GET",
          path: "/v1/agent_tasks",
          query: { ...params, status, after: after ?? params.after },
        },
        options,
      ),
    );
  }

  cancel(id: string, options?: RequestOptions): Promise<AgentTask> {
    return this.transport.json<AgentTask>({ method: "POST", path: path(id, "/cancel") }, options);
  }

  /** A finished task's report (ConflictError while it runs). */
  report(id: string, options?: RequestOptions): Promise<AgentTaskReport> {
    return this.transport.json<AgentTaskReport>({ method: "GET", path: path(id, "/report") }, options);
  }

  /** One page of stored events after a seq (JSON, no streaming). */
  listEvents(id: string, params: { after?: number; limit?: number } = {}, options?: RequestOptions) {
    return this.transport.json<EventPage>(
      { method: "GET", path: path(id, "/events"), query: params },
      options,
    );
  }

  /**
   * The task's events, stored then live, until the task ends. A broken stream is picked up again
   * after the last event seen.
   */
  async *events(id: string, options: EventsOptions = {}): AsyncGenerator<AgentTaskEvent> {
    let after = options.after ?? 0;
    const maxReconnects = options.maxReconnects ?? this.transport.config.retry.maxRetries;
    let failures = 0;
    for (;;) {
      const response = await this.transport.response(
        { method: "GET", path: path(id, "/events"), query: { after }, accept: "text/event-stream" },
        { signal: options.signal },
      );
      let progressed = false;
      try {
        for await (const message of readServerSentEvents(response.body!)) {
          if (message.event === "end") return;
          const event = JSON.parse(message.data) as AgentTaskEvent;
          if (event.seq <= after) continue;
          after = event.seq;
          progressed = true;
          yield event;
        }
      } catch (err) {
        if (options.signal?.aborted) throw new APIUserAbortError("the event stream was aborted");
        if (!(err instanceof TypeError) && (err as Error).name !== "AbortError") throw err;
      }
      // The stream broke (or closed) before its end event: pick it up again after `after`.
      failures = progressed ? 0 : failures + 1;
      if (failures > maxReconnects)
        throw new APIConnectionError(`the event stream of ${id} kept breaking before the task ended`);
      if (failures > 0) {
        const delay = this.transport.config.retry.initialDelayMs * 2 ** (failures - 1);
        await this.timers.sleep(Math.min(delay, this.transport.config.retry.maxDelayMs), options.signal);
      }
    }
  }

  /** Polls the task until it ends (any terminal status) and returns it. */
  async waitForCompletion(id: string, options: WaitOptions = {}): Promise<AgentTask> {
    const interval = options.pollInterval ?? 2000;
    const start = this.timers.now();
    let seen = "";
    for (;;) {
      const task = await this.retrieve(id, { signal: options.signal });
      const fingerprint = JSON.stringify([task.status, task.stage, task.cost_usd, task.last_checkpoint]);
      if (fingerprint !== seen) {
        seen = fingerprint;
        options.onProgress?.(task);
      }
      if (isTerminalStatus(task.status)) return task;
      if (options.timeout !== undefined && this.timers.now() - start + interval > options.timeout)
        throw new WaitTimeoutError(
          `the task ${id} was still ${task.status} after ${options.timeout} ms`,
          task,
        );
      try {
        await this.timers.sleep(interval, options.signal);
      } catch {
        throw new APIUserAbortError("waiting for the task was aborted");
      }
    }
  }
}
