/** Public types of the fake model server: scenarios, steps, faults and recorded requests. */

/** A parsed JSON object. Loosely typed on purpose so tests can read `body.input.at(-1).output`. */
// biome-ignore lint/suspicious/noExplicitAny: test ergonomics, the shape is the client's business
export type JsonObject = { [key: string]: any };

/** What the model "says": one entry per output item of a response. */
export type OutputSpec =
  | { type: "message"; text: string; phase?: "commentary" | "final_answer" }
  | { type: "reasoning"; summary: string | string[]; encrypted_content?: string }
  | {
      type: "function_call";
      name: string;
      /** An object is sent as its JSON; a string is sent verbatim (it may be invalid JSON on purpose). */
      arguments: unknown;
      call_id?: string;
      namespace?: string;
    }
  | { type: "custom_tool_call"; name: string; input: string; call_id?: string }
  /**
   * A search by the provider's hosted web_search tool (Responses only; Chat Completions has no
   * such item and leaves it out). `action` defaults to `{type: "search", query}`.
   */
  | { type: "web_search_call"; query?: string; action?: JsonObject; status?: "completed" | "failed" };

export interface ResponseSpec {
  /**
   * Output items. On `/v1/responses/compact` steps the entries are raw Responses items sent verbatim
   * (for example `{type:"compaction", encrypted_content}` or a user message).
   */
  output: OutputSpec[] | JsonObject[];
  usage?: {
    output_tokens?: number;
    reasoning_tokens?: number;
    input_tokens?: number;
    cached_tokens?: number;
  };
  /** Response id; generated (`resp_fake_000001`, ...) when absent. */
  id?: string;
}

export type FaultSpec =
  | {
      type: "http";
      status: number;
      /** Seconds, sent as the `Retry-After` header. */
      retryAfter?: number;
      /** Full error body; defaults to the OpenAI `{"error":{message,type,param,code}}` shape for the status. */
      body?: unknown;
      message?: string;
      code?: string | null;
      errorType?: string;
      headers?: Record<string, string>;
    }
  | { type: "cut"; afterEvents: number }
  /** n events, then silence: for `seconds` (then the rest of the stream), or until a side closes. */
  | { type: "stall"; afterEvents: number; seconds?: number }
  | { type: "malformed"; afterEvents: number }
  | { type: "failed"; code: string; message?: string }
  | { type: "incomplete"; reason: string }
  /** The SSE frame at index `event` (0-based) is sent twice, byte for byte (same `sequence_number`). */
  | { type: "repeat"; event: number }
  /**
   * Responses: the `response.output_item.done` of output item `item` (default 0) is sent a second
   * time just before the response ends, with a sequence number of its own.
   */
  | { type: "duplicate_item_done"; item?: number }
  /**
   * The response starts with a copy of the newest call of the request's input that already has its
   * output (same `call_id`, name and arguments): a retried response replaying an answered call.
   */
  | { type: "replay_answered_call" };

export interface LastInputMatch {
  type?: string;
  role?: string;
  /** Substring of the item's text (message text, tool output, arguments, input) or of its JSON. */
  contains?: string;
}

export interface StepMatch {
  /**
   * Request path. When absent the step matches either turn endpoint (`/v1/responses` or
   * `/v1/chat/completions`), never `/v1/responses/compact`.
   */
  path?: string;
  model?: string;
  lastInput?: LastInputMatch;
  /** Substring of `JSON.stringify(input)` (or of `messages` for Chat Completions). */
  inputContains?: string;
  /** Exact request header values; names are case-insensitive. */
  headers?: Record<string, string>;
}

export type ReasoningField = "reasoning_content" | "reasoning" | "think_tags";

export interface StepSpec {
  /** Shown in logs and mismatch reports. */
  label?: string;
  match?: StepMatch;
  response?: ResponseSpec;
  fault?: FaultSpec;
  /** Serve this step for this many consecutive requests (default 1). */
  times?: number;
  /** Computes the step from the request; the returned step's `match` is checked too. */
  generate?: (request: RecordedRequest) => StepSpec;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Number of delta chunks per text/arguments/input (default 3). */
  chunks?: number;
  /** Chat Completions: where reasoning goes (default `reasoning_content`). */
  reasoningField?: ReasoningField;
  /**
   * Leave usage out, as some proxies and small servers do: Responses sends `usage: null`; Chat
   * Completions never sends the usage chunk, even with `stream_options.include_usage`.
   */
  omitUsage?: boolean;
  /** Replaces the arguments of every function call of the step, verbatim (for malformed JSON). */
  rawArguments?: string;
  /** Chat Completions: overrides the final `finish_reason`. */
  finishReason?: "stop" | "tool_calls" | "length" | "content_filter";
}

/** A step may also be a function of the request (for long generated sessions). */
export type Step = StepSpec | ((request: RecordedRequest) => StepSpec);

export interface Scenario {
  steps: Step[];
}

export interface RecordedRequest {
  /** 0-based arrival order over the server's lifetime. */
  index: number;
  method: string;
  /** URL path without the query string, e.g. `/v1/responses`. */
  path: string;
  /** Header names lowercased. */
  headers: Record<string, string>;
  /** Parsed JSON body, or null when there is none or it is not a JSON object. */
  body: JsonObject | null;
  rawBody: string;
  /** Index in `scenario.steps` of the step that served the request; null when none did. */
  stepIndex: number | null;
  /** Why the request failed (mismatch, no steps left, bad JSON); absent when it was served. */
  error?: string;
  /** When the request arrived, in milliseconds of the server's `now` clock. */
  receivedAt: number;
}

export interface FakeModelServerOptions {
  scenario?: Scenario;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  /** Models listed by `/v1/models`, `/api/tags` and `/api/v0/models`. */
  models?: string[];
  /** Models `/api/pull` can fetch (default `["gpt-oss:20b", "gpt-oss:120b"]` plus `models`). */
  pullable?: string[];
  /** LM Studio models reported as `loaded` (default: all). */
  loadedModels?: string[];
  ollamaVersion?: string;
  /** When set, `/v1/*` requests need `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Clock for `created_at` / `created` fields, in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Keep only the most recent N recorded requests (default: all). For very long sessions. */
  maxRecordedRequests?: number;
  /** Called after each request is answered (the CLI logs with it). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface FakeModelServer {
  /** Base URL for a client, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  failures: string[];
  setScenario(scenario: Scenario): void;
  remainingSteps(): number;
  close(): Promise<void>;
}
