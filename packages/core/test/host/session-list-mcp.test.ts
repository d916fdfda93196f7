import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reply, scenario, startFakeModelServer, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createSession, type HostDeps, listSessions } from "../../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const HOSTILE_SERVER = path.resolve(here, "../fixtures/mcp/hostile-server.mjs");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(extraConfig: string[] = []) {
  const server = await startFakeModelServer({ scenario: scenario(reply(text("one")), reply(text("two"))) });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-host-list-"));
  const home = path.join(base, "home");
  fs.mkdirSync(home);
  const folder = (name: string) => {
    const dir = path.join(base, name);
    fs.mkdirSync(dir);
    return dir;
  };
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-5.1-codex"',
      'model_provider = "fake"',
      "[model_providers.fake]",
      `base_url = "${server.url}"`,
      "request_max_retries = 0",
      ...extraConfig,
    ].join("\n"),
  );
  cleanups.push(async () => {
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
  });
  const deps: HostDeps = { home, env: { PATH: process.env.PATH, HOME: base }, version: "test" };
  return { deps, folder };
}

async function oneTurn(cwd: string, deps: HostDeps): Promise<string> {
  const session = await createSession({ cwd }, deps);
  for await (const _ of session.runTurn("hi", { signal: new AbortController().signal })) {
    // drained
  }
  await session.close();
  return session.id;
}

describe("host additions for interactive faces", () => {
  it("lists a folder's sessions, newest first, or every folder's", async () => {
    const { deps, folder } = await setup();
    const a = folder("a");
    const b = folder("b");
    const first = await oneTurn(a, deps);
    const other = await oneTurn(b, deps);
    expect(listSessions(a, deps).map((ref) => ref.id)).toEqual([first]);
    expect(listSessions(b, deps).map((ref) => ref.cwd)).toEqual([b]);
    expect(
      listSessions(a, deps, { all: true })
        .map((ref) => ref.id)
        .sort(),
    ).toEqual([first, other].sort());
  });

  it("reports the configured MCP servers with their tools", async () => {
    const { deps, folder } = await setup([
      "[mcp_servers.probe]",
      `command = ${JSON.stringify(process.execPath)}`,
      `args = [${JSON.stringify(HOSTILE_SERVER)}, "--name", "probe"]`,
      "required = true",
    ]);
    const session = await createSession({ cwd: folder("w") }, deps);
    cleanups.push(() => session.close());
    const [probe] = session.mcpServers();
    expect(probe).toMatchObject({ name: "probe", status: "ready" });
    expect(probe!.tools).toEqual(expect.arrayContaining(["echo", "mutate"]));
  });
});
