import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentEvent } from "../../src/agent/events.js";
import { defineFunctionTool, type Tool } from "../../src/tools/tool.js";
import { agentAgainstFakeServer } from "../helpers/agent.js";

type Setup = Awaited<ReturnType<typeof agentAgainstFakeServer>>;
let setup: Setup;
afterEach(async () => setup?.close());

/** A latch: `wait(name)` resolves once `open(name)` was called. */
function latches() {
  const opened = new Map<string, () => void>();
  const promises = new Map<string, Promise<void>>();
  const get = (name: string) => {
    if (!promises.has(name)) promises.set(name, new Promise((resolve) => opened.set(name, resolve)));
    return promises.get(name)!;
  };
  const open = (name: string) => {
    get(name);
    opened.get(name)!();
  };
  return { wait: get, open };
}

function probeTool(
  name: string,
  readOnly: boolean,
  run: (id: string, log: string[]) => Promise<void>,
  log: string[],
): Tool {
  return defineFunctionTool({
    name,
    description: `test tool ${name}`,
    readOnly,
    parameters: z.object({ id: z.string() }),
    async execute({ id }) {
      log.push(`start ${id}`);
      await run(id, log);
      log.push(`end ${id}`);
      return { success: true, output: `${name} ${id} done` };
    },
  });
}

describe("the turn loop", () => {
  it("runs read-only calls in parallel and appends their outputs in call order", async () => {
    const log: string[] = [];
    const gate = latches();
    // "a" can only finish after "b" started: this deadlocks unless the two run at the same time.
    const look = probeTool(
      "look",
      true,
      async (id) => {
        if (id === "a") await gate.wait("b started");
        else gate.open("b started");
      },
      log,
    );
    setup = await agentAgainstFakeServer(
      scenario(
        reply(functionCall("look", { id: "a" }, "c1"), functionCall("look", { id: "b" }, "c2")),
        reply(text("done")),
      ),
      { tools: [look] },
    );
    const events = await setup.turn("go");
    expect(events.at(-1)!.type).toBe("turn_completed");
    expect(log).toEqual(["start a", "start b", "end b", "end a"]);
    const input = setup.server.requests[1]!.body!.input as {
      type: string;
      call_id?: string;
      output?: string;
    }[];
    expect(input.slice(-4).map((i) => `${i.type}:${i.call_id}`)).toEqual([
      "function_call:c1",
      "function_call:c2",
      "function_call_output:c1",
      "function_call_output:c2",
    ]);
    expect(setup.server.requests[0]!.body!.parallel_tool_calls).toBe(true);
  });

  it("runs mutating calls one at a time, in call order", async () => {
    const log: string[] = [];
    const edit = probeTool("edit", false, async () => {}, log);
    const look = probeTool("look", true, async () => {}, log);
    setup = await agentAgainstFakeServer(
      scenario(
        reply(
          functionCall("edit", { id: "1" }),
          functionCall("look", { id: "2" }),
          functionCall("edit", { id: "3" }),
        ),
        reply(text("done")),
      ),
      { tools: [edit, look] },
    );
    await setup.turn("go");
    expect(log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  it("starts a call as soon as its item is done, while the response is still streaming", async () => {
    const gate = latches();
    const log: string[] = [];
    const look = probeTool("look", true, async () => gate.open("tool ran"), log);
    setup = await agentAgainstFakeServer(
      // The stream stalls right after the call's output_item.done and never completes.
      scenario({
        fault: { type: "stall", afterEvents: 8 },
        response: { output: [functionCall("look", { id: "x" }, "c1")] },
      }),
      { tools: [look] },
    );
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const turn = (async () => {
      for await (const event of setup.agent.runTurn("go", controller.signal)) events.push(event);
    })();
    await gate.wait("tool ran");
    controller.abort();
    await turn;
    expect(log).toEqual(["start x", "end x"]);
    expect(events.at(-1)).toMatchObject({ type: "turn_failed", error: { kind: "aborted" } });
    const last = setup.agent.history.items.at(-1)!;
    expect(last).toEqual({ type: "function_call_output", call_id: "c1", output: "look x done" });
  });

  it("answers every call, even an unknown tool or bad arguments, with text the model can act on", async () => {
    setup = await agentAgainstFakeServer(
      scenario(
        reply(
          functionCall("no_such_tool", {}, "c1"),
          functionCall("update_plan", { plan: "not a list" }, "c2"),
        ),
        reply(text("ok")),
      ),
    );
    await setup.turn("go");
    const outputs = (setup.server.requests[1]!.body!.input as { type: string; output?: string }[])
      .filter((i) => i.type === "function_call_output")
      .map((i) => i.output);
    expect(outputs[0]).toMatch(/no_such_tool is not a tool of this session/);
    expect(outputs[1]).toMatch(/invalid arguments for update_plan: plan:/);
  });
});

describe("turn lifetime", () => {
  it("aborts the turn when the consumer stops listening, and finishes cleanly", async () => {
    const gate = latches();
    const log: string[] = [];
    const slow = probeTool(
      "slow",
      true,
      async () => {
        gate.open("started");
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
      log,
    );
    setup = await agentAgainstFakeServer(
      scenario({ times: 50, generate: () => reply(functionCall("slow", { id: "x" })) }),
      { tools: [slow] },
    );
    for await (const event of setup.agent.runTurn("go", new AbortController().signal)) {
      if (event.type === "tool_call_started") break;
    }
    // The generator only returned after the turn stopped: no request goes out any more.
    const requests = setup.server.requests.length;
    expect(requests).toBeLessThanOrEqual(2);
    const turnEnd = setup.agent.history.items.at(-1)!;
    expect(turnEnd.type).toBe("function_call_output");
    // And a new turn can run.
    setup.server.setScenario(scenario(reply(text("fresh"))));
    const events = await setup.turn("again");
    expect(events.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "fresh" });
  });

  it("refuses a second turn while one is running", async () => {
    setup = await agentAgainstFakeServer(scenario({ fault: { type: "stall", afterEvents: 1 } }));
    const controller = new AbortController();
    const first = setup.agent.runTurn("one", controller.signal);
    const firstEvent = first.next();
    await expect(setup.agent.runTurn("two", controller.signal).next()).rejects.toThrow(/already running/);
    controller.abort();
    await firstEvent;
    for await (const _ of first) {
      // drain
    }
  });
});
