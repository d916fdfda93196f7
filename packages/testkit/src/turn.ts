/** Serves the scenario-driven endpoints: `/v1/responses`, `/v1/responses/compact`, `/v1/chat/completions`. */
import type { ServerResponse } from "node:http";
import { estimateTokens, type PromptCache, promptSegments } from "./cache.js";
import { type ChatTurn, chatErrorFrame, chatFrames, chatJson, malformedChatFrame } from "./chat-sse.js";
import { defaultCompaction } from "./compact.js";
import {
  httpFaultBody,
  httpFaultHeaders,
  isStreamFault,
  openAiError,
  sendJson,
  statusForErrorCode,
  writeFrames,
} from "./http.js";
import { CHAT_PATH, COMPACT_PATH, failureReport, inputItems, mismatches } from "./match.js";
import { estimateOutputTokens, type IdGenerator, materializeOutput, type OutputItem } from "./output.js";
import { answeredCall, repeatFrame } from "./repeats.js";
import {
  malformedResponseFrame,
  type ResponseTurn,
  responseFrames,
  responseJson,
  responsesUsage,
  type TokenUsage,
} from "./responses-sse.js";
import { resolveStep, type ScenarioCursor } from "./scenario.js";
import type { FaultSpec, JsonObject, OutputSpec, RecordedRequest, StepSpec } from "./types.js";

export interface TurnDeps {
  cursor: () => ScenarioCursor;
  ids: IdGenerator;
  cache: PromptCache;
  now: () => number;
  /** Records a failure: pushes it to `failures` and onto the request. */
  fail: (request: RecordedRequest, report: string) => void;
}

const DEFAULT_FAILED_MESSAGES: Record<string, string> = {
  rate_limit_exceeded: "Rate limit reached for requests. Please try again in 1.5s.",
  context_length_exceeded:
    "Your input exceeds the context window of this model. Please adjust your input and try again.",
  insufficient_quota: "You exceeded your current quota, please check your plan and billing details.",
  invalid_prompt: "Invalid prompt: your prompt was flagged as potentially violating our usage policy.",
  server_error: "An error occurred while processing your request. Please try again.",
};

function failedMessage(fault: Extract<FaultSpec, { type: "failed" }>): string {
  return fault.message ?? DEFAULT_FAILED_MESSAGES[fault.code] ?? `The response failed (${fault.code}).`;
}

/** Picks the step for a request: a consumed scenario step, the default compaction, or a reported failure. */
function selectStep(
  deps: TurnDeps,
  request: RecordedRequest,
  res: ServerResponse,
): { spec: StepSpec } | "default-compaction" | "failed" {
  const cursor = deps.cursor();
  const next = cursor.peek();
  if (request.path === COMPACT_PATH) {
    const targetsCompact =
      next !== undefined && typeof next.step !== "function" && next.step.match?.path === COMPACT_PATH;
    if (!targetsCompact) return "default-compaction";
  }
  if (next === undefined) {
    const total = cursor.scenario.steps.length;
    reject(deps, request, res, `no scenario steps remain (the scenario had ${total})`, []);
    return "failed";
  }
  const spec = resolveStep(next.step, request);
  const problems = mismatches(spec.match, request);
  if (problems.length > 0) {
    const label = spec.label ? ` (${JSON.stringify(spec.label)})` : "";
    reject(deps, request, res, `does not match step ${next.index}${label}`, problems);
    return "failed";
  }
  cursor.advance();
  request.stepIndex = next.index;
  return { spec };
}

function reject(
  deps: TurnDeps,
  request: RecordedRequest,
  res: ServerResponse,
  headline: string,
  problems: string[],
): void {
  const report = failureReport(request, headline, problems);
  deps.fail(request, report);
  sendJson(res, 400, openAiError(report, "invalid_request_error", "fake_scenario_mismatch"));
}

export function serveModelRequest(deps: TurnDeps, request: RecordedRequest, res: ServerResponse): void {
  const body = request.body;
  if (body === null) {
    const report = failureReport(request, "the body is not a JSON object", []);
    deps.fail(request, report);
    sendJson(
      res,
      400,
      openAiError("We could not parse the JSON body of your request.", "invalid_request_error", null),
    );
    return;
  }
  const selected = selectStep(deps, request, res);
  if (selected === "failed") return;
  const spec = selected === "default-compaction" ? {} : selected.spec;
  const fault = spec.fault;
  if (fault?.type === "http") {
    sendJson(res, fault.status, httpFaultBody(fault), { ...httpFaultHeaders(fault), ...spec.headers });
    return;
  }
  const segments = promptSegments(body);
  const cachedTokens = deps.cache.lookupAndStore(body.prompt_cache_key, segments);
  const promptUsage = {
    inputTokens: spec.response?.usage?.input_tokens ?? estimateTokens(segments),
    cachedTokens: spec.response?.usage?.cached_tokens ?? cachedTokens,
  };
  if (request.path === COMPACT_PATH) {
    serveCompact(deps, spec, body, promptUsage, res);
    return;
  }
  const include = Array.isArray(body.include) ? body.include : [];
  const outputs = (spec.response?.output ?? []) as OutputSpec[];
  const replayed = fault?.type === "replay_answered_call" ? answeredCall(body) : undefined;
  if (fault?.type === "replay_answered_call" && !replayed) {
    deps.fail(request, failureReport(request, "replay_answered_call: the input holds no answered call", []));
  }
  const items = materializeOutput(
    replayed ? [replayed, ...outputs] : outputs,
    spec,
    deps.ids,
    include.includes("reasoning.encrypted_content"),
  );
  const usage = completeUsage(spec, promptUsage, items);
  if (request.path === CHAT_PATH) serveChat(deps, spec, body, items, usage, res);
  else serveResponses(deps, spec, body, items, usage, res);
}

function completeUsage(
  spec: StepSpec,
  prompt: { inputTokens: number; cachedTokens: number },
  items: readonly OutputItem[],
): TokenUsage {
  const reasoningTokens = spec.response?.usage?.reasoning_tokens ?? 0;
  const outputTokens = spec.response?.usage?.output_tokens ?? estimateOutputTokens(items) + reasoningTokens;
  return { ...prompt, outputTokens, reasoningTokens };
}

function baseHeaders(deps: TurnDeps, spec: StepSpec, contentType: string): Record<string, string> {
  return {
    "content-type": contentType,
    "cache-control": "no-cache",
    "x-request-id": deps.ids.next("req_fake_"),
    "openai-processing-ms": "1",
    ...spec.headers,
  };
}

function serveResponses(
  deps: TurnDeps,
  spec: StepSpec,
  body: JsonObject,
  items: readonly OutputItem[],
  usage: TokenUsage,
  res: ServerResponse,
): void {
  const fault = spec.fault;
  const turn: ResponseTurn = {
    body,
    id: spec.response?.id ?? deps.ids.next("resp_fake_"),
    createdAt: Math.floor(deps.now() / 1000),
    items,
    usage,
    chunks: spec.chunks ?? 3,
    omitUsage: spec.omitUsage,
    ending:
      fault?.type === "failed"
        ? { status: "failed", code: fault.code, message: failedMessage(fault) }
        : fault?.type === "incomplete"
          ? { status: "incomplete", reason: fault.reason }
          : { status: "completed" },
  };
  const streamFault = isStreamFault(fault) ? fault : undefined;
  if (body.stream === true) {
    const duplicateItemDone = fault?.type === "duplicate_item_done" ? (fault.item ?? 0) : undefined;
    const frames = withRepeat(responseFrames(turn, { duplicateItemDone }), fault);
    const malformed = malformedResponseFrame(streamFault?.afterEvents ?? 0);
    writeFrames(
      res,
      baseHeaders(deps, spec, "text/event-stream; charset=utf-8"),
      frames,
      streamFault,
      malformed,
    );
    return;
  }
  if (fault?.type === "failed") {
    sendFailedJson(res, fault);
    return;
  }
  writeJson(deps, spec, responseJson(turn), res);
}

function withRepeat(frames: string[], fault: FaultSpec | undefined): string[] {
  return fault?.type === "repeat" ? repeatFrame(frames, fault.event) : frames;
}

function serveChat(
  deps: TurnDeps,
  spec: StepSpec,
  body: JsonObject,
  items: readonly OutputItem[],
  usage: TokenUsage,
  res: ServerResponse,
): void {
  const fault = spec.fault;
  const turn: ChatTurn = {
    body,
    id: deps.ids.next("chatcmpl-fake"),
    created: Math.floor(deps.now() / 1000),
    items,
    usage,
    step: spec,
    incomplete: fault?.type === "incomplete",
  };
  const streamFault = isStreamFault(fault) ? fault : undefined;
  if (body.stream === true) {
    const headers = baseHeaders(deps, spec, "text/event-stream; charset=utf-8");
    const frames =
      fault?.type === "failed" ? [chatErrorFrame(fault.code, failedMessage(fault))] : chatFrames(turn);
    writeFrames(res, headers, withRepeat(frames, fault), streamFault, malformedChatFrame(turn.id));
    return;
  }
  if (fault?.type === "failed") {
    sendFailedJson(res, fault);
    return;
  }
  writeJson(deps, spec, chatJson(turn), res);
}

function serveCompact(
  deps: TurnDeps,
  spec: StepSpec,
  body: JsonObject,
  prompt: { inputTokens: number; cachedTokens: number },
  res: ServerResponse,
): void {
  const fault = spec.fault;
  if (fault?.type === "failed") {
    sendFailedJson(res, fault);
    return;
  }
  const output = spec.response?.output ?? defaultCompaction(inputItems(body));
  const outputTokens = spec.response?.usage?.output_tokens ?? Math.ceil(JSON.stringify(output).length / 4);
  const reasoningTokens = spec.response?.usage?.reasoning_tokens ?? 0;
  const json = {
    id: spec.response?.id ?? deps.ids.next("resp_fake_"),
    object: "response.compaction",
    created_at: Math.floor(deps.now() / 1000),
    output,
    usage: responsesUsage({ ...prompt, outputTokens, reasoningTokens }),
  };
  writeJson(deps, spec, json, res);
}

function writeJson(deps: TurnDeps, spec: StepSpec, json: unknown, res: ServerResponse): void {
  const fault = isStreamFault(spec.fault) ? spec.fault : undefined;
  const headers = baseHeaders(deps, spec, "application/json");
  if (!fault) {
    sendJson(res, 200, json, headers);
    return;
  }
  writeFrames(res, headers, [JSON.stringify(json)], fault, `${JSON.stringify(json).slice(0, 20)}`);
}

/** A `failed` fault on a non-streamed request: the OpenAI error body with the code's HTTP status. */
function sendFailedJson(res: ServerResponse, fault: Extract<FaultSpec, { type: "failed" }>): void {
  sendJson(
    res,
    statusForErrorCode(fault.code),
    openAiError(failedMessage(fault), "invalid_request_error", fault.code),
  );
}
