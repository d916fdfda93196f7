import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { customToolCall, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

/** What each test tried and what happened, printed as a table at the end. */
const table: { attempt: string; flags: string; expected: string; observed: string }[] = [];
afterAll(() => {
  console.log(
    `\nsandbox through nightshift exec:\n${table
      .map(
        (row) =>
          `  ${row.attempt.padEnd(46)} ${row.flags.padEnd(44)} expected ${row.expected.padEnd(8)} observed ${row.observed}`,
      )
      .join("\n")}`,
  );
});

/** Keeps /tmp and $TMPDIR out of the writable roots (the workspace itself lives under /tmp). */
const WORKSPACE_ONLY = [
  "-c",
  "sandbox_workspace_write.exclude_slash_tmp=true",
  "-c",
  "sandbox_workspace_write.exclude_tmpdir_env_var=true",
];

/** Runs one shell call through exec with `flags` and returns what the model got back. */
async function runShell(flags: string[], script: string): Promise<string> {
  h.server.setScenario(
    scenario(reply(functionCall("shell", { command: ["bash", "-lc", script] }, "c1")), reply(text("done"))),
  );
  const result = await h.run(["exec", ...flags, "try it"]);
  expect(h.server.failures).toEqual([]);
  expect(result.code).toBe(0);
  const item = inputOf(h.server, h.server.requests.length - 1).find(
    (entry: { type: string; call_id?: string }) =>
      entry.type === "function_call_output" && entry.call_id === "c1",
  );
  return item.output as string;
}

function record(attempt: string, flags: string[], expected: "blocked" | "allowed", allowed: boolean): void {
  table.push({
    attempt,
    flags: flags.join(" ") || "(exec defaults)",
    expected,
    observed: allowed ? "allowed" : "blocked",
  });
}

/** A sibling of the workspace, outside it but inside the same temp directory. */
function siblingDir(): string {
  const dir = path.join(path.dirname(h.workspace), "outside");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

describe("the sandbox through nightshift exec", () => {
  it("lets --full-auto write inside the workspace", async () => {
    h = await startHarness(scenario());
    const output = await runShell(["--full-auto"], "echo hi > inside.txt && echo wrote");
    expect(output).toMatch(/^Exit code: 0\n/);
    expect(output).toContain("wrote");
    const written = fs.existsSync(path.join(h.workspace, "inside.txt"));
    record("write inside the workspace", ["--full-auto"], "allowed", written);
    expect(fs.readFileSync(path.join(h.workspace, "inside.txt"), "utf8")).toBe("hi\n");
  });

  it("blocks a write outside the workspace under --full-auto, with the escalation hint", async () => {
    h = await startHarness(scenario());
    const target = path.join(siblingDir(), "f.txt");
    const flags = ["--full-auto", ...WORKSPACE_ONLY];
    const output = await runShell(flags, `echo x > ${target}`);
    record(
      "write to a sibling dir (/tmp excluded)",
      ["--full-auto", "-c exclude_slash_tmp..."],
      "blocked",
      fs.existsSync(target),
    );
    expect(fs.existsSync(target)).toBe(false);
    expect(output).toMatch(/^Exit code: 1\n/);
    expect(output).toContain("Read-only file system");
    expect(output).toContain('run it again with sandbox_permissions: "require_escalated"');
  });

  it("blocks the outside write under exec's default approval policy, hinting to stay inside", async () => {
    h = await startHarness(scenario());
    const target = path.join(siblingDir(), "g.txt");
    const output = await runShell(WORKSPACE_ONLY, `echo x > ${target}`);
    record(
      "write to a sibling dir, approval never",
      ["-c exclude_slash_tmp..."],
      "blocked",
      fs.existsSync(target),
    );
    expect(fs.existsSync(target)).toBe(false);
    expect(output).toContain("Read-only file system");
    expect(output).toContain(
      "Nobody can approve running it unsandboxed here: find a way that works inside the sandbox.",
    );
  });

  it("keeps /tmp writable by default, as Codex does (the workspace's sibling lives there)", async () => {
    h = await startHarness(scenario());
    const target = path.join(siblingDir(), "tmp.txt");
    const output = await runShell(["--full-auto"], `echo x > ${target}`);
    record(
      "write to a sibling dir in /tmp (default roots)",
      ["--full-auto"],
      "allowed",
      fs.existsSync(target),
    );
    expect(output).toMatch(/^Exit code: 0\n/);
    expect(fs.readFileSync(target, "utf8")).toBe("x\n");
  });

  it("does not follow a symlink out of the workspace", async () => {
    h = await startHarness(scenario());
    const outside = siblingDir();
    fs.symlinkSync(outside, path.join(h.workspace, "link"));
    const output = await runShell(["--full-auto", ...WORKSPACE_ONLY], "echo x > link/through.txt");
    const target = path.join(outside, "through.txt");
    record(
      "write through a symlink to outside",
      ["--full-auto", "-c exclude_slash_tmp..."],
      "blocked",
      fs.existsSync(target),
    );
    expect(fs.existsSync(target)).toBe(false);
    expect(output).toContain("Read-only file system");
  });

  it("keeps .git read-only inside a writable workspace, for commands and for apply_patch", async () => {
    h = await startHarness(scenario());
    fs.mkdirSync(path.join(h.workspace, ".git/hooks"), { recursive: true });
    const hook = path.join(h.workspace, ".git/hooks/pre-commit");
    const output = await runShell(["--full-auto"], "echo evil > .git/hooks/pre-commit");
    record("write .git/hooks/pre-commit", ["--full-auto"], "blocked", fs.existsSync(hook));
    expect(fs.existsSync(hook)).toBe(false);
    expect(output).toContain("Read-only file system");

    const patch = "*** Begin Patch\n*** Add File: .git/hooks/post-checkout\n+evil\n*** End Patch";
    h.server.setScenario(scenario(reply(customToolCall("apply_patch", patch, "p1")), reply(text("done"))));
    const result = await h.run(["exec", "-s", "workspace-write", "patch a hook"]);
    expect(result.code).toBe(0);
    const patched = path.join(h.workspace, ".git/hooks/post-checkout");
    record("apply_patch .git/hooks/post-checkout", ["-s workspace-write"], "blocked", fs.existsSync(patched));
    expect(fs.existsSync(patched)).toBe(false);
    const refusal = inputOf(h.server, h.server.requests.length - 1).at(-1);
    expect(refusal).toMatchObject({ type: "custom_tool_call_output", call_id: "p1" });
    expect(refusal.output).toContain("apply_patch was refused");
    expect(refusal.output).toContain("outside protected folders such as .git");
  });

  it("blocks a write in the workspace under -s read-only", async () => {
    h = await startHarness(scenario());
    const output = await runShell(["-s", "read-only"], "echo x > ro.txt");
    const target = path.join(h.workspace, "ro.txt");
    record("write inside the workspace", ["-s read-only"], "blocked", fs.existsSync(target));
    expect(fs.existsSync(target)).toBe(false);
    expect(output).toContain("Read-only file system");
  });

  it("allows the outside write with --dangerously-bypass-approvals-and-sandbox", async () => {
    h = await startHarness(scenario());
    const target = path.join(siblingDir(), "bypass.txt");
    const flags = ["--dangerously-bypass-approvals-and-sandbox", ...WORKSPACE_ONLY];
    const output = await runShell(flags, `echo x > ${target}`);
    record("write to a sibling dir", ["--dangerously-bypass-..."], "allowed", fs.existsSync(target));
    expect(output).toMatch(/^Exit code: 0\n/);
    expect(fs.readFileSync(target, "utf8")).toBe("x\n");
  });

  describe("network", () => {
    let server: net.Server;
    let connections = 0;
    const listen = async () => {
      connections = 0;
      server = net.createServer((socket) => {
        connections++;
        socket.end("hello from the test\n");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return (server.address() as net.AddressInfo).port;
    };
    afterEach(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = (port: number) => `exec 3<>/dev/tcp/127.0.0.1/${port} && head -n1 <&3`;

    it("has no network by default under workspace-write", async () => {
      h = await startHarness(scenario());
      const port = await listen();
      const output = await runShell(["--full-auto"], connect(port));
      record("connect to 127.0.0.1 (test's TCP server)", ["--full-auto"], "blocked", connections > 0);
      expect(connections).toBe(0);
      expect(output).not.toMatch(/^Exit code: 0\n/);
      expect(output).not.toContain("hello from the test");
    });

    it("reaches the network with sandbox_workspace_write.network_access=true", async () => {
      h = await startHarness(scenario());
      const port = await listen();
      const flags = ["--full-auto", "-c", "sandbox_workspace_write.network_access=true"];
      const output = await runShell(flags, connect(port));
      record(
        "connect to 127.0.0.1 (test's TCP server)",
        ["--full-auto", "-c network_access=true"],
        "allowed",
        connections > 0,
      );
      expect(output).toMatch(/^Exit code: 0\n/);
      expect(output).toContain("hello from the test");
      expect(connections).toBe(1);
    });
  });
});
