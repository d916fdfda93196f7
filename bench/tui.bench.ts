// The terminal interface under load: keystroke-to-screen latency (idle, and while a command
// streams 1,000 lines of output) and the cost of each frame drawn meanwhile. The interface is
// mounted exactly as `nightshift` mounts it (Ink, inline, 60 fps, changed lines only) on an
// in-memory terminal; the output arrives as the host's events.
import { EventEmitter } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { TuiController } from "../packages/tui/src/controller/controller.js";
import { PromptHistory } from "../packages/tui/src/input/prompt-history.js";
import { mountInterface } from "../packages/tui/src/run-tui.js";
import { Checkpoints } from "../packages/tui/src/workspace/checkpoints.js";
import { FileIndex } from "../packages/tui/src/workspace/file-index.js";
import { gitRunner } from "../packages/tui/src/workspace/git.js";
import { fmtMs, median, percentile, table } from "./stats.js";

const LINES = 1_000;
const LINES_PER_CHUNK = 10;
const CHUNK_EVERY_MS = 5;
const KEYS_IDLE = 60;
const KEY_EVERY_MS = 25;
/** Typed characters: none of them appears in the streamed output or the labels around it. */
const TYPED = "zxjv";

class TerminalIn extends EventEmitter {
  isTTY = true;
  readonly #queue: string[] = [];
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => this.#queue.shift() ?? null;
  type(text: string) {
    this.#queue.push(text);
    this.emit("readable");
  }
}

class TerminalOut extends Writable {
  isTTY = true;
  columns = 100;
  rows = 30;
  bytes = 0;
  watcher: ((text: string) => void) | undefined;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void) {
    const text = chunk.toString();
    this.bytes += Buffer.byteLength(text);
    this.watcher?.(text);
    done();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const home = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-tui-"));
const env = { PATH: process.env.PATH, HOME: home, TERM: "xterm-256color" };
const git = gitRunner(env);
const controller = new TuiController({
  spec: { cwd: home },
  host: { home, env, version: "bench" },
  env,
  git,
  history: new PromptHistory(home, () => new Date()),
  files: new FileIndex(home, git),
  checkpoints: new Checkpoints({ home, cwd: home, git }),
  now: Date.now,
  schedule: (run) => setImmediate(run),
});
const stdin = new TerminalIn();
const stdout = new TerminalOut();
const renderTimes: number[] = [];
const instance = mountInterface(controller, {
  stdin: stdin as unknown as NodeJS.ReadStream,
  stdout: stdout as unknown as NodeJS.WriteStream,
  stderr: stdout as unknown as NodeJS.WriteStream,
  env,
  onRender: ({ renderTime }) => renderTimes.push(renderTime),
});
await pause(100);

/** Types one character; resolves with the time until a frame holding it was written. */
function keystroke(char: string): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    stdout.watcher = (text) => {
      if (!text.includes(char)) return;
      stdout.watcher = undefined;
      resolve(performance.now() - start);
    };
    stdin.type(char);
  });
}

async function typeSome(count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    latencies.push(await keystroke(TYPED[i % TYPED.length]!));
    await pause(KEY_EVERY_MS);
  }
  return latencies;
}

const clearPrompt = async () => {
  stdin.type("\u0015"); // Ctrl-U
  await pause(50);
};

// 1. Typing on an idle interface.
const idle = await typeSome(KEYS_IDLE);
await clearPrompt();

// 2. Typing while a command streams 1,000 lines, and what each frame costs meanwhile.
const callId = "bench-call";
controller.onEvent({
  type: "tool_call_started",
  callId,
  name: "shell",
  input: {},
  display: { kind: "command", command: "bench-output", exitCode: null, output: "", status: "running" },
});
await pause(50);
renderTimes.length = 0;
const bytesBefore = stdout.bytes;
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const streamStart = performance.now();
let streamed = 0;
const streaming = (async () => {
  while (streamed < LINES) {
    const lines = Array.from(
      { length: LINES_PER_CHUNK },
      (_, i) => `#### ${String(streamed + i).padStart(5, "0")} ####`,
    );
    streamed += LINES_PER_CHUNK;
    controller.onEvent({ type: "tool_call_progress", callId, text: `${lines.join("\n")}\n` });
    await pause(CHUNK_EVERY_MS);
  }
})();
const busyKeys: number[] = [];
while (streamed < LINES) {
  busyKeys.push(await keystroke(TYPED[busyKeys.length % TYPED.length]!));
  await pause(KEY_EVERY_MS);
}
await streaming;
// The last chunk reaches the controller's next tick, then Ink's next frame.
await new Promise((resolve) => setImmediate(resolve));
await instance.waitUntilRenderFlush();
const streamMs = performance.now() - streamStart;
delay.disable();
const frames = renderTimes.length;
const bytes = stdout.bytes - bytesBefore;

instance.unmount();
await controller.shutdown();
fs.rmSync(home, { recursive: true, force: true });

console.log(
  table([
    ["measure", "median", "p90", "max", "target"],
    [
      `keystroke -> screen, idle (${idle.length} keys)`,
      fmtMs(median(idle)),
      fmtMs(percentile(idle, 90)),
      fmtMs(Math.max(...idle)),
      "p90 < 16.7 ms (one 60 Hz frame)",
    ],
    [
      `keystroke -> screen, ${LINES} lines streaming (${busyKeys.length} keys)`,
      fmtMs(median(busyKeys)),
      fmtMs(percentile(busyKeys, 90)),
      fmtMs(Math.max(...busyKeys)),
      "p90 < 33 ms (two frames)",
    ],
    [
      `frame render while streaming (${frames} frames)`,
      fmtMs(median(renderTimes)),
      fmtMs(percentile(renderTimes, 90)),
      fmtMs(Math.max(...renderTimes)),
      "median < 4 ms",
    ],
    [
      "event-loop delay while streaming",
      fmtMs(delay.percentile(50) / 1e6),
      fmtMs(delay.percentile(90) / 1e6),
      fmtMs(delay.max / 1e6),
      "p90 < 16.7 ms",
    ],
  ]),
);
console.log(
  `\n${LINES} lines in ${LINES / LINES_PER_CHUNK} chunks drawn in ${fmtMs(streamMs)} (target < 1,500 ms: the output arrives over ${(LINES / LINES_PER_CHUNK) * CHUNK_EVERY_MS} ms); ${frames} frames, ${(bytes / 1024).toFixed(1)} KiB written (${frames ? Math.round(bytes / frames) : 0} bytes a frame; target < 2 KiB a frame: only changed lines)`,
);
