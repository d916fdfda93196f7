import type { JsonObject, RecordedRequest, StepSpec } from "@nightshift/testkit";

/** The stage a work request is about (from its hand-off), or null while planning. */
export function stageOf(request: RecordedRequest): string | null {
  const match = /Current stage: ([A-Za-z0-9_.-]+)/.exec(JSON.stringify(request.body?.input ?? []));
  return match ? match[1]! : null;
}

function lastCallName(input: JsonObject[]): string | null {
  const last = input.at(-1);
  if (!last || (last.type !== "function_call_output" && last.type !== "custom_tool_call_output")) return null;
  const call = input.find(
    (item) =>
      (item.type === "function_call" || item.type === "custom_tool_call") && item.call_id === last.call_id,
  );
  return call ? String(call.name) : null;
}

let n = 0;
const id = () => `call_${Date.now().toString(36)}_${++n}`;

/**
 * A model that depends only on what it is sent (so a killed and resumed run gets the same
 * answers): plans `stages`, and for each stage writes `<stage>.txt` with a shell command, then calls
 * stage_complete. With `forever`, it never completes a stage and keeps adding files.
 */
export function statelessModel(stages: string[], options: { forever?: boolean } = {}) {
  return (request: RecordedRequest): StepSpec => {
    const tools = (request.body?.tools ?? []).map((t: { name: string }) => t.name);
    const input: JsonObject[] = request.body?.input ?? [];
    if (tools.includes("submit_plan")) {
      return {
        response: {
          output: [
            {
              type: "function_call",
              name: "submit_plan",
              call_id: id(),
              arguments: {
                stages: stages.map((s) => ({
                  id: s,
                  title: `write ${s}.txt`,
                  goal: `create ${s}.txt`,
                  acceptance: [`test -f ${s}.txt`],
                  risks: [],
                })),
              },
            },
          ],
        },
      };
    }
    const stage = stageOf(request) ?? "unknown";
    if (options.forever) {
      return {
        response: {
          output: [
            {
              type: "custom_tool_call",
              name: "apply_patch",
              call_id: id(),
              input: `*** Begin Patch\n*** Add File: work/${id()}.txt\n+x\n*** End Patch`,
            },
          ],
        },
      };
    }
    const last = lastCallName(input);
    if (last === "shell") {
      return {
        response: {
          output: [
            {
              type: "function_call",
              name: "stage_complete",
              call_id: id(),
              arguments: { stage_id: stage, summary: `wrote ${stage}.txt` },
            },
          ],
        },
      };
    }
    if (last === "stage_complete")
      return { response: { output: [{ type: "message", text: "waiting for the runner" }] } };
    return {
      response: {
        output: [
          {
            type: "function_call",
            name: "shell",
            call_id: id(),
            arguments: { command: ["bash", "-lc", `echo ${stage} > ${stage}.txt`] },
          },
        ],
      },
    };
  };
}
