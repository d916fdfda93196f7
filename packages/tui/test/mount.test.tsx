import { EventEmitter } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TuiController } from "../src/controller/controller.js";
import { PromptHistory } from "../src/input/prompt-history.js";
import { mountInterface } from "../src/run-tui.js";
import { Checkpoints } from "../src/workspace/checkpoints.js";
import { FileIndex } from "../src/workspace/file-index.js";
import { gitRunner } from "../src/workspace/git.js";

class TerminalIn extends EventEmitter {
  isTTY = true;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => null;
}

class TerminalOut extends Writable {
  isTTY = true;
  columns = 80;
  rows = 24;
  written = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void) {
    this.written += chunk.toString();
    done();
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function mount(fullscreen: boolean) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ns-tui-mount-"));
  dirs.push(home);
  const env = { PATH: process.env.PATH, HOME: home };
  const git = gitRunner(env);
  const controller = new TuiController({
    spec: { cwd: home },
    host: { home, env, version: "test" },
    env,
    git,
    history: new PromptHistory(home, () => new Date(0)),
    files: new FileIndex(home, git),
    checkpoints: new Checkpoints({ home, cwd: home, git }),
    now: Date.now,
    schedule: (run) => queueMicrotask(run),
  });
  const stdout = new TerminalOut();
  const instance = mountInterface(controller, {
    stdin: new TerminalIn() as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
    env,
    fullscreen,
    // vitest's console cannot be patched.
    patchConsole: false,
  });
  return { stdout, instance };
}

describe("how the interface is drawn on a terminal", () => {
  it("draws inline in the normal buffer, each frame wrapped in synchronized output", async () => {
    const { stdout, instance } = mount(false);
    await vi.waitFor(() => expect(stdout.written).toContain("Ask nightshift to do anything"), {
      timeout: 10_000,
      interval: 10,
    });
    expect(stdout.written).toContain("\u001b[?2026h");
    expect(stdout.written).toContain("\u001b[?2026l");
    expect(stdout.written).not.toContain("\u001b[?1049h");
    instance.unmount();
  });

  it("uses the alternate screen only when asked to", async () => {
    const { stdout, instance } = mount(true);
    await vi.waitFor(() => expect(stdout.written).toContain("Ask nightshift to do anything"), {
      timeout: 10_000,
      interval: 10,
    });
    expect(stdout.written).toContain("\u001b[?1049h");
    instance.unmount();
    expect(stdout.written).toContain("\u001b[?1049l");
  });
});
