import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

// Regression: the directory a command runs in must never widen what the sandbox lets it write.
let h: Harness;
let outside: string;
afterEach(async () => {
  await h?.close();
  fs.rmSync(outside, { recursive: true, force: true });
});

const strictRoots = [
  "-c",
  "sandbox_workspace_write.exclude_slash_tmp=true",
  "-c",
  "sandbox_workspace_write.exclude_tmpdir_env_var=true",
];

describe("a model-chosen working directory does not become writable", () => {
  it("keeps a shell command with workdir outside the workspace read-only there", async () => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "ns-outside-"));
    h = await startHarness(
      scenario(
        reply(
          functionCall(
            "shell",
            { command: ["bash", "-lc", "echo pwned > escaped.txt"], workdir: outside },
            "c1",
          ),
        ),
        reply(text("done")),
      ),
    );
    const result = await h.run(["exec", "--full-auto", ...strictRoots, "try it"]);
    expect(result.code).toBe(0);
    expect(fs.existsSync(path.join(outside, "escaped.txt"))).toBe(false);
    const output = (h.server.requests[1]!.body!.input as { type: string; output?: string }[]).at(-1)!.output!;
    expect(output).toMatch(/Read-only file system/);
  });

  it("keeps `cd outside && apply_patch` from writing outside the workspace", async () => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "ns-outside-"));
    const script = `cd ${outside} && apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: escaped.txt\n+pwned\n*** End Patch\nEOF`;
    h = await startHarness(
      scenario(reply(functionCall("shell", { command: ["bash", "-lc", script] }, "c1")), reply(text("done"))),
    );
    const result = await h.run(["exec", "--full-auto", ...strictRoots, "try it"]);
    expect(result.code).toBe(0);
    expect(fs.existsSync(path.join(outside, "escaped.txt"))).toBe(false);
    const output = (h.server.requests[1]!.body!.input as { type: string; output?: string }[]).at(-1)!.output!;
    expect(output).toMatch(/rejected|outside|writable/i);
  });
});

describe("nightshift's own home", () => {
  it("stays read-only to commands even when it lies under a writable root (here /tmp)", async () => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "ns-unused-"));
    h = await startHarness(scenario());
    const config = path.join(h.home, "config.toml");
    h.server.setScenario(
      scenario(
        reply(
          functionCall("shell", { command: ["bash", "-lc", `echo '[mcp_servers.x]' >> ${config}`] }, "c1"),
        ),
        reply(text("done")),
      ),
    );
    const before = fs.readFileSync(config, "utf8");
    const result = await h.run(["exec", "--full-auto", "try it"]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(config, "utf8")).toBe(before);
    const output = (h.server.requests[1]!.body!.input as { type: string; output?: string }[]).at(-1)!.output!;
    expect(output).toMatch(/Read-only file system/);
  });
});
