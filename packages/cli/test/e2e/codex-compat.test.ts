import fs from "node:fs";
import path from "node:path";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { Codex } from "@openai/codex-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

/** The official Codex SDK, driving nightshift instead of the Codex binary. */
function codexSdk(harness: Harness): Codex {
  return new Codex({
    codexPathOverride: BIN,
    env: Object.fromEntries(Object.entries(harness.env).filter(([, value]) => value !== undefined)) as Record<
      string,
      string
    >,
  });
}

describe("a Codex user's drop-in", () => {
  it("runs a multi-turn thread of the official Codex SDK: start, continue, resume, thread options", async () => {
    h = await startHarness(
      scenario(
        reply(functionCall("shell", { command: ["bash", "-lc", "echo hi > sdk.txt"] }, "c1")),
        reply(text("first done")),
        reply(text("second done")),
        reply(text("third done")),
      ),
    );
    const codex = codexSdk(h);
    const options = {
      workingDirectory: h.workspace,
      skipGitRepoCheck: true,
      sandboxMode: "workspace-write" as const,
      approvalPolicy: "never" as const,
      modelReasoningEffort: "low" as const,
    };
    const thread = codex.startThread(options);
    const first = await thread.run("make a file");
    expect(first.finalResponse).toBe("first done");
    expect(first.items.map((item) => item.type)).toContain("command_execution");
    expect(fs.readFileSync(path.join(h.workspace, "sdk.txt"), "utf8")).toBe("hi\n");
    expect(thread.id).toBeTruthy();

    const second = await thread.run("and again");
    expect(second.finalResponse).toBe("second done");
    const resumed = codex.resumeThread(thread.id!, options);
    const third = await resumed.run("once more");
    expect(third.finalResponse).toBe("third done");

    expect(h.server.failures).toEqual([]);
    // One session: each request carries the whole conversation so far.
    expect(inputOf(h.server, 3).filter((item) => item.role === "user").length).toBeGreaterThanOrEqual(4);
    expect(h.server.requests.every((request) => request.body!.reasoning?.effort === "low")).toBe(true);
  });

  it("honours flags given before `resume`, and refuses two different values for one flag", async () => {
    h = await startHarness(
      scenario(
        reply(text("one")),
        reply(functionCall("shell", { command: ["touch", "x"] })),
        reply(text("two")),
      ),
    );
    const first = await h.run(["exec", "-s", "workspace-write", "start"]);
    expect(first.code).toBe(0);
    const id = /session ([0-9a-f-]{36})/.exec(first.stderr)![1]!;
    const resumed = await h.run(["exec", "--json", "-s", "read-only", "resume", id, "write something"]);
    expect(resumed.code).toBe(0);
    // --json given before resume: JSON lines; -s read-only: the touch was refused by the sandbox.
    expect(h.jsonEvents(resumed)[0]).toMatchObject({ type: "thread.started", thread_id: id });
    expect(fs.existsSync(path.join(h.workspace, "x"))).toBe(false);
    const clash = await h.run(["exec", "-s", "read-only", "resume", id, "-s", "workspace-write", "hi"]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--sandbox was given twice/);
  });

  it("defaults exec to a read-only sandbox, as Codex does", async () => {
    h = await startHarness(
      scenario(reply(functionCall("shell", { command: ["touch", "made.txt"] })), reply(text("done"))),
    );
    const result = await h.run(["exec", "try to write"]);
    expect(result.code).toBe(0);
    expect(fs.existsSync(path.join(h.workspace, "made.txt"))).toBe(false);
    expect(JSON.stringify(inputOf(h.server, 0))).toContain("read-only");
  });

  it("accepts --experimental-json, the `e` alias, and a bare `nightshift PROMPT`", async () => {
    h = await startHarness(scenario(reply(text("a")), reply(text("b"))));
    const json = await h.run(["e", "--experimental-json", "hi"]);
    expect(json.code).toBe(0);
    expect(h.jsonEvents(json).at(-1).type).toBe("turn.completed");
    const bare = await h.run(["say b"]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe("b\n");
  });

  it("scopes `resume --last` to this folder, and --all reaches any folder", async () => {
    h = await startHarness(
      scenario(reply(text("here")), reply(text("again")), reply(text("from elsewhere"))),
    );
    const other = path.join(h.workspace, "other");
    fs.mkdirSync(other);
    expect((await h.run(["exec", "first"])).code).toBe(0);
    const elsewhere = await h.run(["exec", "resume", "--last", "hi"], { cwd: other });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/no sessions of .*other/);
    expect((await h.run(["exec", "resume", "--last", "again"])).code).toBe(0);
    const all = await h.run(["exec", "resume", "--last", "--all", "from elsewhere"], { cwd: other });
    expect(all.code).toBe(0);
    expect(all.stdout).toBe("from elsewhere\n");
  });

  it("adds writable folders with --add-dir", async () => {
    h = await startHarness(
      scenario(
        reply(functionCall("shell", { command: ["bash", "-lc", "echo ok > ../extra/f"] })),
        reply(text("done")),
      ),
    );
    fs.mkdirSync(path.join(h.workspace, "..", "extra"), { recursive: true });
    const result = await h.run(["exec", "-s", "workspace-write", "--add-dir", "../extra", "write"]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(h.workspace, "..", "extra", "f"), "utf8")).toBe("ok\n");
  });

  it("gives commands the environment shell_environment_policy says, secrets left out", async () => {
    h = await startHarness(
      scenario(reply(functionCall("shell", { command: ["env"] })), reply(text("seen"))),
      {
        config:
          '[shell_environment_policy]\ninherit = "all"\nexclude = ["DROP_*"]\nset = { GREETING = "hi" }',
      },
    );
    const result = await h.run(["exec", "show env"], {
      env: { SOME_VAR: "1", MY_SECRET_TOKEN: "s3cr3t", DROP_ME: "x" },
    });
    expect(result.code).toBe(0);
    const output = inputOf(h.server, 1).at(-1).output as string;
    expect(output).toContain("SOME_VAR=1");
    expect(output).toContain("GREETING=hi");
    expect(output).not.toContain("s3cr3t");
    expect(output).not.toContain("DROP_ME");
  });

  it("runs the configured notify program with the turn's JSON when a turn completes", async () => {
    h = await startHarness(scenario(reply(text("all done"))));
    const out = path.join(h.workspace, "..", "notified.json");
    const config = path.join(h.home, "config.toml");
    // A top-level key: before the [model_providers] table the harness wrote.
    fs.writeFileSync(
      config,
      `notify = ["node", "-e", "require('fs').writeFileSync(process.argv[1], process.argv[2])", ${JSON.stringify(out)}]\n${fs.readFileSync(config, "utf8")}`,
    );
    const result = await h.run(["exec", "finish"]);
    expect(result.code).toBe(0);
    const payload = JSON.parse(await waitForFile(out));
    expect(payload).toMatchObject({
      type: "agent-turn-complete",
      "input-messages": ["finish"],
      "last-assistant-message": "all done",
      cwd: h.workspace,
    });
    expect(payload["thread-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** The notifier runs detached after exec exits: wait (bounded) for what it writes. */
async function waitForFile(file: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    if (fs.existsSync(file) && fs.statSync(file).size > 0) return fs.readFileSync(file, "utf8");
    await new Promise<void>((resolve) => {
      const watcher = fs.watch(path.dirname(file), () => {
        watcher.close();
        resolve();
      });
      setTimeout(() => {
        watcher.close();
        resolve();
      }, 50).unref();
    });
  }
  throw new Error(`${file} was never written`);
}
