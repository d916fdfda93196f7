import type { RecordedRequest, StepSpec } from "@nightshift/testkit";

const usage = { input_tokens: 20_000, output_tokens: 1_000, cached_tokens: 0 };
let calls = 0;

function call(name: string, args: unknown): StepSpec {
  return {
    response: { output: [{ type: "function_call", name, arguments: args, call_id: `c${++calls}` }], usage },
  };
}

/**
 * A model that plans two stages (s1, s2) and does each with one shell command, then says the
 * stage is done. `gateFile`, when given, is a file (absolute path) the first command waits for
 * (up to a minute): the test decides when the work goes on.
 */
export function diligentModel(options: { gateFile?: string } = {}) {
  return (request: RecordedRequest): StepSpec => {
    const body = request.body ?? {};
    const tools: string[] = (body.tools ?? []).map((t: { name: string }) => t.name);
    const input: { type?: string; call_id?: string; name?: string }[] = body.input ?? [];
    if (tools.includes("submit_plan"))
      return call("submit_plan", {
        stages: ["s1", "s2"].map((id) => ({
          id,
          title: `write ${id}.txt <b>&amp;</b>`,
          goal: `do ${id}`,
          acceptance: [`test -f ${id}.txt`],
          risks: [],
        })),
      });
    const stage = /Current stage: ([A-Za-z0-9_.-]+)/.exec(JSON.stringify(input))?.[1] ?? "s1";
    const last = input.at(-1);
    const lastName =
      last?.type === "function_call_output"
        ? input.find((item) => item.type === "function_call" && item.call_id === last.call_id)?.name
        : undefined;
    if (lastName === "shell")
      return call("stage_complete", { stage_id: stage, summary: `wrote ${stage}.txt` });
    if (lastName === "stage_complete")
      return { response: { output: [{ type: "message", text: "waiting for the verification" }], usage } };
    const wait =
      options.gateFile && stage === "s1"
        ? `for i in $(seq 1200); do [ -f ${options.gateFile} ] && break; sleep 0.05; done; `
        : "";
    return call("shell", { command: ["bash", "-lc", `${wait}echo ${stage} > ${stage}.txt`] });
  };
}
