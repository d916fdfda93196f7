import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

/**
 * Runs the fake model server in its own process, so that a benchmark's CPU measurements of the
 * engine do not include the server's work.
 */
export async function startFakeServerProcess(
  scenario: unknown,
): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-server-"));
  const file = path.join(dir, "scenario.json");
  fs.writeFileSync(file, JSON.stringify(scenario));
  const child = spawn(
    process.execPath,
    [path.resolve("packages/testkit/bin/nightshift-fake-model.js"), "--scenario", file],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]!);
      else reject(new Error(`unexpected fake server output: ${line}`));
    });
    child.once("exit", (code) => reject(new Error(`fake server exited with ${code}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
