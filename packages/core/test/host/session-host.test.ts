import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type FakeModelServer,
  functionCall,
  reply,
  type Scenario,
  scenario,
  startFakeModelServer,
  text,
} from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
// The host alone: nothing from packages/cli.
import {
  type ApprovalDecision,
  type ApprovalRequest,
  createSession,
  type HostDeps,
  resumeSession,
  type Session,
  type SessionEvent,
} from "../../src/index.js";

type Setup = {
  server: FakeModelServer;
  home: string;
  workspace: string;
  deps: HostDeps;
  asked: ApprovalRequest[];
};
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(steps: Scenario, answer: ApprovalDecision = "approved"): Promise<Setup> {
  const server = await startFakeModelServer({ scenario: steps });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-host-"));
  const home = path.join(base, "home");
  const workspace = path.join(base, "work");
  fs.mkdirSync(home);
  fs.mkdirSync(workspace);
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-5.1-codex"',
      'model_provider = "fake"',
      "[model_providers.fake]",
      `base_url = "${server.url}"`,
      "request_max_retries = 0",
      "stream_max_retries = 0",
    ].join("\n"),
  );
  cleanups.push(async () => {
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
  });
  const asked: ApprovalRequest[] = [];
  const deps: HostDeps = {
    home,
    env: { PATH: process.env.PATH, HOME: base, SHELL: "/bin/bash", TZ: "UTC" },
    version: "test",
    approve: async (request) => {
      asked.push(request);
      return answer;
    },
  };
  return { server, home, workspace, deps, asked };
}

async function drain(events: AsyncIterable<SessionEvent>): Promise<SessionEvent[]> {
  const out: SessionEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

function open(session: Session): Session {
  cleanups.push(() => session.close());
  return session;
}

const touch = (file: string, id: string) => functionCall("shell", { command: ["touch", file] }, id);

describe("the session host", () => {
  it("runs a turn with an approved tool call, stops on a budget, and replays after resume", async () => {
    const s = await setup(
      scenario(reply(touch("made.txt", "c1")), reply(text("made it")), reply(text("never sent"))),
    );
    const session = open(
      await createSession(
        { cwd: s.workspace, sandbox: "workspace-write", approvalPolicy: "untrusted" },
        s.deps,
      ),
    );
    const turn = await drain(session.runTurn("make a file", { signal: new AbortController().signal }));

    expect(s.asked).toEqual([expect.objectContaining({ kind: "exec", command: ["touch", "made.txt"] })]);
    expect(fs.existsSync(path.join(s.workspace, "made.txt"))).toBe(true);
    const types = turn.map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "turn_started",
        "approval_requested",
        "approval_answered",
        "tool_call_completed",
      ]),
    );
    expect(turn.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "made it" });
    // The envelope: consecutive seq, a time, and the turn each event belongs to.
    expect(turn.map((event) => event.seq)).toEqual(turn.map((_, i) => turn[0]!.seq + i));
    const turnId = turn[0]!.turnId;
    expect(turnId).toBeTruthy();
    expect(turn.every((event) => event.turnId === turnId && !Number.isNaN(Date.parse(event.ts)))).toBe(true);
    expect(turn.find((event) => event.type === "approval_answered")).toMatchObject({ decision: "approved" });

    // A dollar budget smaller than the next request's worst case: stopped before anything is sent.
    const requestsBefore = s.server.requests.length;
    const stopped = await drain(
      session.runTurn("one more", { signal: new AbortController().signal, limits: { maxCostUsd: 0.000001 } }),
    );
    expect(stopped.at(-1)).toMatchObject({ type: "turn_stopped", reason: { kind: "cost_budget" } });
    expect(s.server.requests.length).toBe(requestsBefore);
    await session.close();

    const resumed = open(await resumeSession({ id: session.id }, { cwd: s.workspace }, s.deps));
    const replayed = resumed.replay();
    expect(replayed.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        "approval_requested",
        "approval_answered",
        "tool_call_completed",
        "turn_stopped",
      ]),
    );
    const completed = replayed.find((event) => event.type === "tool_call_completed");
    expect(completed).toMatchObject({ callId: "c1", name: "shell", success: true });
    expect(replayed.map((event) => event.seq)).toEqual([...replayed.map((e) => e.seq)].sort((a, b) => a - b));
    expect(resumed.replay(replayed.at(-2)!.seq)).toEqual([replayed.at(-1)]);
  });

  it("ends a turn with a typed reason at its request limit and on repeated calls", async () => {
    const same = () => reply(functionCall("update_plan", { plan: [{ step: "x", status: "pending" }] }));
    const s = await setup(scenario(same(), same(), same(), same(), same(), same(), same()));
    const session = open(await createSession({ cwd: s.workspace }, s.deps));
    const limited = await drain(
      session.runTurn("go", { signal: new AbortController().signal, limits: { maxRequests: 2 } }),
    );
    expect(limited.at(-1)).toMatchObject({ type: "turn_stopped", reason: { kind: "max_requests" } });
    expect(s.server.requests).toHaveLength(2);

    const looping = await drain(
      session.runTurn("again", {
        signal: new AbortController().signal,
        limits: { repeatedCalls: { sameCallSameOutput: 3 } },
      }),
    );
    expect(looping.at(-1)).toMatchObject({
      type: "turn_stopped",
      reason: { kind: "repeated_calls", detail: { pattern: "same_call_same_output", tool: "update_plan" } },
    });
    expect(s.server.requests).toHaveLength(5);
  });

  it("aborts the turn when an approval is answered abort", async () => {
    const s = await setup(scenario(reply(touch("a.txt", "c1")), reply(text("should not be asked"))), "abort");
    const session = open(
      await createSession(
        { cwd: s.workspace, sandbox: "workspace-write", approvalPolicy: "untrusted" },
        s.deps,
      ),
    );
    const events = await drain(session.runTurn("try", { signal: new AbortController().signal }));
    expect(events.at(-1)).toMatchObject({ type: "turn_stopped", reason: { kind: "approval_aborted" } });
    expect(fs.existsSync(path.join(s.workspace, "a.txt"))).toBe(false);
    expect(s.server.requests).toHaveLength(1);
  });

  it("changes settings between turns through the host, and tells the model", async () => {
    const s = await setup(scenario(reply(text("one")), reply(text("two"))));
    const session = open(await createSession({ cwd: s.workspace }, s.deps));
    await drain(session.runTurn("first", { signal: new AbortController().signal }));
    session.updateSettings({ model: "gpt-5.4", sandbox: "read-only" });
    await drain(session.runTurn("second", { signal: new AbortController().signal }));
    const second = s.server.requests[1]!.body!;
    expect(second.model).toBe("gpt-5.4");
    expect(JSON.stringify(second.input)).toContain("<model_switch>");
    expect(session.settings.policy.mode).toBe("read-only");
  });

  it("refuses a second process on the same session with a clear message", async () => {
    const s = await setup(scenario(reply(text("one"))));
    const session = open(await createSession({ cwd: s.workspace }, s.deps));
    await expect(resumeSession({ id: session.id }, { cwd: s.workspace }, s.deps)).rejects.toThrow(
      /in use by another nightshift process/,
    );
  });
});
