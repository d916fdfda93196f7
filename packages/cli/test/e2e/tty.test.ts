import fs from "node:fs";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

/** What the model was sent back for `callId`, from the last request. */
function outputOf(callId: string): string {
  const item = inputOf(h.server, h.server.requests.length - 1).find(
    (entry: { type: string; call_id?: string }) =>
      entry.type === "function_call_output" && entry.call_id === callId,
  );
  return item.output as string;
}

const after = (contains: string) => ({ lastInput: { type: "function_call_output", contains } });

describe("interactive commands through nightshift exec", () => {
  it("starts bash on a terminal, talks to it with write_stdin, and sees it exit", async () => {
    h = await startHarness(
      scenario(
        reply(
          functionCall(
            "shell",
            { command: ["bash", "--norc", "--noprofile", "-i"], tty: true, yield_time_ms: 250 },
            "c1",
          ),
        ),
        {
          match: after("Process running with session ID 1"),
          // bash answers within milliseconds; the yield time only bounds the wait.
          response: {
            output: [
              functionCall(
                "write_stdin",
                { session_id: 1, chars: "echo $((6*7))\n", yield_time_ms: 3000 },
                "c2",
              ),
            ],
          },
        },
        {
          match: after("42"),
          response: {
            output: [
              functionCall("write_stdin", { session_id: 1, chars: "exit 3\n", yield_time_ms: 30000 }, "c3"),
            ],
          },
        },
        { match: after("Process exited with code 3"), response: { output: [text("bash said 42")] } },
      ),
    );
    const result = await h.run(["exec", "-s", "workspace-write", "talk to bash"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("bash said 42\n");
    const tools = h.server.requests[0]!.body!.tools.map((tool: { name: string }) => tool.name);
    expect(tools.slice(0, 2)).toEqual(["shell", "write_stdin"]);
    expect(outputOf("c2")).toMatch(
      /Process running with session ID 1\nOutput:\n[\s\S]*echo \$\(\(6\*7\)\)\r\n42\r\n/,
    );
    // The exit came before the 30 s yield time.
    const wall = Number(/^Wall time: ([\d.]+) seconds/.exec(outputOf("c3"))![1]);
    expect(wall).toBeLessThan(20);
  });

  it("kills a session still running when exec ends", async () => {
    h = await startHarness(
      scenario(
        reply(
          functionCall(
            "shell",
            {
              command: ["sh", "-c", "trap '' HUP; echo pid=$$; exec sleep 1000.789"],
              tty: true,
              yield_time_ms: 3000,
            },
            "c1",
          ),
        ),
        { match: after("pid="), response: { output: [text("left it running")] } },
      ),
    );
    const result = await h.run(["exec", "-s", "danger-full-access", "start something"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(outputOf("c1")).toContain("Process running with session ID 1");
    // Found by its arguments: as root the command's pid is its own namespace's, not ours.
    expect(await goneSoon("1000.789")).toBe(true);
  });
});

/** Whether every process with `marker` in its arguments is gone, allowing a bounded moment. */
async function goneSoon(marker: string): Promise<boolean> {
  const living = () =>
    fs
      .readdirSync("/proc")
      .filter((pid) => /^\d+$/.test(pid))
      .some((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
        } catch {
          return false;
        }
      });
  for (let i = 0; i < 200 && living(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return !living();
}
