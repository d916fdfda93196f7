import type { JsonObject, RecordedRequest, StepSpec } from "@nightshift/testkit";

/** What a scripted model sees of a request. */
export type Seen = {
  request: RecordedRequest;
  body: JsonObject;
  tools: string[];
  /** The request's input items. */
  input: JsonObject[];
  last: JsonObject;
  /** All text of the input, for `includes` checks. */
  text: string;
  /** The stage the conversation is about (from the hand-off), or null while planning. */
  stage: string | null;
  planning: boolean;
};

export function see(request: RecordedRequest): Seen {
  const body = request.body ?? {};
  const input: JsonObject[] = body.input ?? [];
  const tools = (body.tools ?? []).map((t: { name: string }) => t.name);
  const text = JSON.stringify(input);
  const match = /Current stage: ([A-Za-z0-9_.-]+)/.exec(text);
  return {
    request,
    body,
    tools,
    input,
    last: input.at(-1) ?? {},
    text,
    stage: match ? match[1]! : null,
    planning: tools.includes("submit_plan"),
  };
}

/** Output of the last tool call in the input, or null when the last item is not a tool output. */
export function lastToolOutput(seen: Seen): string | null {
  return seen.last.type === "function_call_output" ? String(seen.last.output) : null;
}

/** The name of the call whose output is the last input item. */
export function lastToolName(seen: Seen): string | null {
  if (seen.last.type !== "function_call_output") return null;
  const call = seen.input.find((item) => item.type === "function_call" && item.call_id === seen.last.call_id);
  return call ? String(call.name) : null;
}

let counter = 0;
const usage = { input_tokens: 20_000, output_tokens: 1_000, cached_tokens: 0 };
/** Dollars of one scripted response at the test config's prices ($2 in, $0.5 cached, $10 out per million). */
export const REQUEST_USD = (20_000 * 2 + 1_000 * 10) / 1_000_000;

export function shell(command: string): StepSpec {
  return {
    response: {
      output: [
        {
          type: "function_call",
          name: "shell",
          arguments: { command: ["bash", "-lc", command] },
          call_id: `c${++counter}`,
        },
      ],
      usage,
    },
  };
}

export function call(name: string, args: unknown): StepSpec {
  return {
    response: { output: [{ type: "function_call", name, arguments: args, call_id: `c${++counter}` }], usage },
  };
}

export function say(text: string): StepSpec {
  return { response: { output: [{ type: "message", text }], usage } };
}

export function plan(stages: { id: string; acceptance: string[]; title?: string }[]): StepSpec {
  return call("submit_plan", {
    stages: stages.map((s) => ({
      id: s.id,
      title: s.title ?? `stage ${s.id}`,
      goal: `do ${s.id}`,
      acceptance: s.acceptance,
      risks: [],
    })),
  });
}

let files = 0;
/** A patch that adds a new file (a write the runner sees without looking at the disk). */
export function addFile(name = `work/f${++files}.txt`): StepSpec {
  return {
    response: {
      output: [
        {
          type: "custom_tool_call",
          name: "apply_patch",
          input: `*** Begin Patch\n*** Add File: ${name}\n+work\n*** End Patch`,
          call_id: `c${++counter}`,
        },
      ],
      usage,
    },
  };
}
