import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ApprovalPolicy, SandboxMode } from "@nightshift/core";
import { type FakeModelServer, type Scenario, startFakeModelServer } from "@nightshift/testkit";
import { render } from "ink-testing-library";
import { expect, vi } from "vitest";
import { TuiController } from "../src/controller/controller.js";
import { PromptHistory } from "../src/input/prompt-history.js";
import { createHighlighter } from "../src/render/highlight.js";
import { createPaint } from "../src/render/paint.js";
import { App } from "../src/ui/App.js";
import { createTheme, ThemeContext } from "../src/ui/theme.js";
import { Checkpoints } from "../src/workspace/checkpoints.js";
import { FileIndex } from "../src/workspace/file-index.js";
import { gitRunner } from "../src/workspace/git.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what we strip
export const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");

export type TuiHarness = {
  server: FakeModelServer;
  controller: TuiController;
  home: string;
  workspace: string;
  /** The screen as text (all frames of the scrollback, then the live part). */
  screen(): string;
  /** The last frame with its escape codes. */
  raw(): string;
  /** Waits (polling, bounded) until the screen shows `text`. */
  waitFor(text: string | RegExp): Promise<void>;
  /** Waits (polling, bounded) until no turn or job is running: the turn's answer shows a bit before it ends. */
  idle(): Promise<void>;
  /** Sends keys to the interface. */
  type(...keys: string[]): void;
  close(): Promise<void>;
};

export const KEY = {
  enter: "\r",
  esc: "\u001b",
  ctrlC: "\u0003",
  up: "\u001b[A",
  down: "\u001b[B",
  tab: "\t",
};

/** The interface on a real session (a temp home and workspace, the fake model server), drawn by ink-testing-library. */
export async function startTui(
  steps: Scenario,
  options: {
    sandbox?: SandboxMode;
    approvalPolicy?: ApprovalPolicy;
    color?: boolean;
    files?: Record<string, string>;
  } = {},
): Promise<TuiHarness> {
  const server = await startFakeModelServer({ scenario: steps });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-tui-"));
  const home = path.join(base, "home");
  const workspace = path.join(base, "work");
  fs.mkdirSync(home);
  fs.mkdirSync(workspace);
  for (const [file, text] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    fs.writeFileSync(path.join(workspace, file), text);
  }
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-5.1-codex"',
      'model_provider = "fake"',
      "[model_providers.fake]",
      `base_url = "${server.url}"`,
      "request_max_retries = 0",
      "stream_max_retries = 0",
      "stream_idle_timeout_ms = 60000",
    ].join("\n"),
  );
  const env = { PATH: process.env.PATH, HOME: base, SHELL: "/bin/bash", TZ: "UTC" };
  const git = gitRunner(env);
  const controller = new TuiController({
    spec: {
      cwd: workspace,
      sandbox: options.sandbox ?? "workspace-write",
      approvalPolicy: options.approvalPolicy ?? "never",
    },
    host: { home, env, version: "test" },
    env,
    git,
    history: new PromptHistory(home, () => new Date(0)),
    files: new FileIndex(workspace, git),
    checkpoints: new Checkpoints({ home, cwd: workspace, git }),
    now: Date.now,
    schedule: (run) => queueMicrotask(run),
  });
  await controller.open({ kind: "new" });
  const paint = createPaint(options.color ?? false);
  const ink = render(
    <ThemeContext.Provider value={createTheme(paint, createHighlighter(paint))}>
      <App controller={controller} />
    </ThemeContext.Provider>,
  );
  const screen = () => stripAnsi(ink.lastFrame() ?? "");
  return {
    server,
    controller,
    home,
    workspace,
    screen,
    raw: () => ink.lastFrame() ?? "",
    async waitFor(text) {
      await vi
        .waitFor(
          () => {
            if (typeof text === "string") expect(screen()).toContain(text);
            else expect(screen()).toMatch(text);
          },
          { timeout: 15_000, interval: 10 },
        )
        .catch((err: Error) => {
          throw new Error(`the screen never showed ${String(text)}:\n${screen()}`, { cause: err });
        });
    },
    async idle() {
      await vi.waitFor(() => expect(controller.busy).toBeNull(), { timeout: 15_000, interval: 10 });
    },
    type(...keys) {
      for (const key of keys) ink.stdin.write(key);
    },
    async close() {
      ink.unmount();
      await controller.shutdown();
      await server.close();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
