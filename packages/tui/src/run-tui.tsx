import { ConfigError, type HostDeps, listSessions, type SessionSpec, SetupError } from "@nightshift/core";
import { type Instance, render } from "ink";
import { type OpenHow, TuiController } from "./controller/controller.js";
import { PromptHistory } from "./input/prompt-history.js";
import { createPaint, wantsColor } from "./render/paint.js";
import { App } from "./ui/App.js";
import { createTheme, type Theme, ThemeContext } from "./ui/theme.js";
import { Checkpoints } from "./workspace/checkpoints.js";
import { FileIndex } from "./workspace/file-index.js";
import { gitRunner } from "./workspace/git.js";

export type TuiOptions = {
  /** The session as the flags describe it. */
  spec: SessionSpec;
  /** The host's dependencies; the interface adds the approval and question callbacks. */
  host: Omit<HostDeps, "approve" | "requestUserInput">;
  /** A new session, one to resume, or a picker of this folder's sessions. */
  open: OpenHow | { kind: "pick" };
  /** A first prompt to send at once. */
  prompt?: string;
  /** Image files (`-i`, absolute paths) attached to the first message. */
  images?: string[];
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** The alternate screen instead of inline rendering in the scrollback. */
  fullscreen?: boolean;
  now?: () => number;
};

/** Runs the interactive interface until the user leaves; returns the exit status. */
export async function runTui(options: TuiOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const git = gitRunner(options.env);
  const cwd = options.spec.cwd;
  const controller = new TuiController({
    spec: options.spec,
    host: options.host,
    env: options.env,
    git,
    history: new PromptHistory(options.host.home, () => new Date(now())),
    files: new FileIndex(cwd, git),
    checkpoints: new Checkpoints({ home: options.host.home, cwd, git }),
    now,
    schedule: (run) => setImmediate(run),
  });
  const fail = (message: string) => {
    options.stderr.write(`nightshift: ${message}\n`);
    return 1;
  };

  try {
    if (options.open.kind === "pick") {
      const refs = listSessions(cwd, options.host);
      if (refs.length === 0) return fail(`no sessions of ${cwd} to resume (nightshift starts a new one)`);
      controller.openPicker({
        title: `Resume a session of ${cwd}`,
        items: refs.slice(0, 30).map((ref) => ({
          label: `${ref.updatedAt.replace("T", " ").slice(0, 16)}  ${ref.id}`,
          value: ref.id,
        })),
        initial: 0,
        choose: (id) => void controller.switchTo({ kind: "resume", query: { id } }, options.spec),
        cancel: () => controller.requestExit(),
      });
    } else {
      await controller.open(options.open);
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SetupError) return fail(err.message);
    throw err;
  }

  controller.attachImages(options.images ?? []);
  const instance = mountInterface(controller, options);
  const leave = () => controller.requestExit();
  process.on("SIGTERM", leave);
  process.on("SIGHUP", leave);
  if (options.prompt !== undefined && options.prompt.trim() !== "") controller.submit(options.prompt);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off("SIGTERM", leave);
    process.off("SIGHUP", leave);
    await controller.shutdown();
  }
  const session = controller.session;
  if (session) {
    options.stdout.write(
      `\n${session.summary()}\nTo continue this session: nightshift resume ${session.id}\n`,
    );
  }
  return 0;
}

/**
 * Draws the interface for a controller: inline in the scrollback (or on the alternate screen),
 * at most 60 frames a second, changed lines only, each frame in synchronized output.
 */
export function mountInterface(
  controller: TuiController,
  options: Pick<TuiOptions, "stdin" | "stdout" | "stderr" | "env" | "fullscreen"> & {
    onRender?: (metrics: { renderTime: number }) => void;
    /** Route console.* around the frames (default); off where console cannot be patched. */
    patchConsole?: boolean;
  },
): Instance {
  const paint = createPaint(wantsColor(options.env));
  const app = (theme: Theme) => (
    <ThemeContext.Provider value={theme}>
      <App controller={controller} />
    </ThemeContext.Provider>
  );
  // Code is drawn plain until the highlighter (highlight.js's grammars, the largest module) loads.
  const instance = render(app(createTheme(paint, (code) => code)), {
    stdout: options.stdout,
    stdin: options.stdin,
    stderr: options.stderr,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    maxFps: 60,
    incrementalRendering: true,
    interactive: true,
    alternateScreen: options.fullscreen === true,
    onRender: options.onRender,
  });
  if (paint.color) {
    void import("./render/highlight.js").then(({ createHighlighter }) =>
      instance.rerender(app(createTheme(paint, createHighlighter(paint)))),
    );
  }
  return instance;
}
