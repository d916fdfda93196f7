import { NightshiftError } from "./errors.js";
import { AgentTasks } from "./resources/agent-tasks.js";
import { Agents } from "./resources/agents.js";
import { Files } from "./resources/files.js";
import { Webhooks } from "./resources/webhooks.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
import { realTimers, type Timers, Transport } from "./transport.js";

export type ClientOptions = {
  /** Your API key (nsk_...). Default: $NIGHTSHIFT_API_KEY. */
  apiKey?: string;
  /** The server (default: $NIGHTSHIFT_BASE_URL, else http://127.0.0.1:8080). */
  baseURL?: string;
  /** The key's whsec_ secret, for webhooks.unwrap (default: $NIGHTSHIFT_WEBHOOK_SECRET). */
  webhookSecret?: string;
  /** Milliseconds one attempt may take (default 60000). */
  timeout?: number;
  /** Retries after a 408, 429, 5xx, timeout or broken connection (default 2). */
  maxRetries?: number;
  /** Backoff: first wait and longest wait in milliseconds (default 500 and 8000). */
  retryDelay?: { initialMs?: number; maxMs?: number };
  defaultHeaders?: Record<string, string>;
  fetch?: typeof fetch;
  /** Sleep, clock and randomness (tests inject their own). */
  timers?: Partial<Timers>;
  /** Where the defaults come from (default: process.env when there is one). */
  env?: Record<string, string | undefined>;
};

/** The nightshift task API: agents, files, agent tasks, webhooks. */
export class Nightshift {
  readonly agents: Agents;
  readonly files: Files;
  readonly agentTasks: AgentTasks;
  readonly webhooks: Webhooks;
  readonly baseURL: string;

  constructor(options: ClientOptions = {}) {
    const env = options.env ?? (typeof process === "undefined" ? {} : process.env);
    const apiKey = options.apiKey ?? env.NIGHTSHIFT_API_KEY;
    if (!apiKey)
      throw new NightshiftError(
        "no API key: pass apiKey or set NIGHTSHIFT_API_KEY (create one with nightshift serve keys create)",
      );
    this.baseURL = options.baseURL ?? env.NIGHTSHIFT_BASE_URL ?? "http://127.0.0.1:8080";
    const timers: Timers = { ...realTimers, ...options.timers };
    const retry: RetryPolicy = {
      maxRetries: options.maxRetries ?? DEFAULT_RETRY.maxRetries,
      initialDelayMs: options.retryDelay?.initialMs ?? DEFAULT_RETRY.initialDelayMs,
      maxDelayMs: options.retryDelay?.maxMs ?? DEFAULT_RETRY.maxDelayMs,
    };
    const transport = new Transport({
      apiKey,
      baseURL: this.baseURL,
      timeoutMs: options.timeout ?? 60_000,
      retry,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      timers,
      headers: options.defaultHeaders ?? {},
    });
    this.agents = new Agents(transport);
    this.files = new Files(transport);
    this.agentTasks = new AgentTasks(transport, timers);
    this.webhooks = new Webhooks(options.webhookSecret ?? env.NIGHTSHIFT_WEBHOOK_SECRET, timers);
  }
}
