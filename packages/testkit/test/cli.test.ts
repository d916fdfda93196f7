import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../src/index.js";
import { responsesBody, sseJson, userItem } from "./helpers.js";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(packageDir, "bin/nightshift-fake-model.js");
const scenarios = path.join(packageDir, "scenarios");

beforeAll(() => {
  execFileSync(process.execPath, [path.join(packageDir, "build.mjs")], { stdio: "inherit" });
});

function startCliProcess(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`exited with ${code} before listening: ${stderr}`)));
  });
  return { child, firstLine, stderr: () => stderr };
}

describe("nightshift-fake-model CLI", () => {
  it("serves a scenario file, logs requests, records them and exits on SIGTERM", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-"));
    const record = path.join(dir, "requests.jsonl");
    const { child, firstLine, stderr } = startCliProcess([
      "--scenario",
      path.join(scenarios, "hello.json"),
      "--port",
      "0",
      "--record",
      record,
    ]);
    const line = await firstLine;
    const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1)$/.exec(line);
    expect(match).not.toBeNull();
    const url = match![1]!;

    const res = await fetch(`${url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(responsesBody([userItem("hi")])),
    });
    const events = sseJson(await res.text());
    expect(events.at(-1)!.response.output[0].content[0].text).toBe("Hello! I am the nightshift fake model.");

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stderr()).toContain("POST /v1/responses step#0");
    expect(stderr()).toContain("1 requests, 0 failures, 0 steps left");
    const recorded = fs
      .readFileSync(record, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ method: "POST", path: "/v1/responses", stepIndex: 0 });
  });

  it("with --strict, exits 1 when steps are left unused", async () => {
    const { child, firstLine } = startCliProcess([
      "--scenario",
      path.join(scenarios, "tool-loop.json"),
      "--strict",
    ]);
    await firstLine;
    const exited = once(child, "exit");
    child.kill("SIGINT");
    expect((await exited)[0]).toBe(1);
  });

  it("rejects bad arguments with usage", () => {
    let status = 0;
    let output = "";
    try {
      execFileSync(process.execPath, [bin, "--host", "0.0.0.0"], { stdio: "pipe", encoding: "utf8" });
    } catch (error) {
      status = (error as { status: number }).status;
      output = (error as { stderr: string }).stderr;
    }
    expect(status).toBe(2);
    expect(output).toContain("--host must be 127.0.0.1");
    expect(output).toContain("usage: nightshift-fake-model");
  });
});

describe("scenario files", () => {
  it("loads every example scenario", () => {
    for (const file of fs.readdirSync(scenarios)) {
      expect(loadScenario(path.join(scenarios, file)).steps.length).toBeGreaterThan(0);
    }
  });

  it("explains what is wrong with a bad scenario", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-"));
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        steps: [{ response: { output: [{ type: "poem" }] } }, { times: 0, fault: { type: "explode" } }, {}],
      }),
    );
    expect(() => loadScenario(file)).toThrow(
      [
        `invalid scenario ${file}:`,
        "  steps[0].response.output[0].type: expected one of message, reasoning, function_call, custom_tool_call, web_search_call",
        "  steps[1].times: expected a positive integer",
        "  steps[1].fault.type: expected one of http, cut, stall, malformed, failed, incomplete, repeat, duplicate_item_done, replay_answered_call",
        '  steps[2]: needs a "response" or a "fault"',
      ].join("\n"),
    );
    fs.writeFileSync(file, "{");
    expect(() => loadScenario(file)).toThrow(/cannot read scenario/);
  });
});
