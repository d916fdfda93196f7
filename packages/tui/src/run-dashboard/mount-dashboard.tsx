import { type Instance, render } from "ink";
import { createPaint, wantsColor } from "../render/paint.js";
import { createTheme, ThemeContext } from "../ui/theme.js";
import {
  type DashboardAction,
  type DashboardState,
  initialDashboard,
  reduceDashboard,
} from "./dashboard-state.js";
import { RunDashboard } from "./RunDashboard.js";

/** Repeats `tick` every `ms` until the returned function is called (injected, so tests drive time). */
export type Every = (ms: number, tick: () => void) => () => void;

export const systemEvery: Every = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export type DashboardOptions = {
  /** Where the dashboard is drawn (a terminal: `nightshift run` uses stderr). */
  stream: NodeJS.WriteStream;
  /** Ink wants an input stream; the dashboard never reads it (Ctrl-C stays a signal). */
  stdin?: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  /** The line under the dashboard (how to stop or detach). */
  hint: string | null;
  now?: () => number;
  every?: Every;
  /** Called every second: a fresh snapshot of the run's state (spend, working time, liveness), or null. */
  refresh?: () => DashboardAction | null;
  /** Route console.* around the frames (default); off where console cannot be patched. */
  patchConsole?: boolean;
};

export type DashboardHandle = {
  dispatch(action: DashboardAction): void;
  state(): DashboardState;
  /** Draws the final frame and lets go of the terminal. */
  close(): Promise<void>;
};

/**
 * Draws a run's dashboard inline (not fullscreen) and redraws it on every action and every second;
 * Ink writes only changed lines, each frame in synchronized output.
 */
export function mountRunDashboard(options: DashboardOptions): DashboardHandle {
  const now = options.now ?? Date.now;
  const every = options.every ?? systemEvery;
  const theme = createTheme(createPaint(wantsColor(options.env)), (code) => code);
  let state = initialDashboard();
  let closed = false;

  const view = () => (
    <ThemeContext.Provider value={theme}>
      <RunDashboard
        state={state}
        now={now()}
        columns={Math.max(40, options.stream.columns || 80)}
        rows={Math.max(12, options.stream.rows || 24)}
        hint={state.phase === "ended" ? null : options.hint}
      />
    </ThemeContext.Provider>
  );
  const instance: Instance = render(view(), {
    stdout: options.stream,
    stderr: options.stream,
    stdin: options.stdin,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    maxFps: 30,
    incrementalRendering: true,
    interactive: true,
  });
  const redraw = () => {
    if (!closed) instance.rerender(view());
  };
  const apply = (action: DashboardAction | null) => {
    if (action) state = reduceDashboard(state, action);
  };
  const onResize = () => redraw();
  options.stream.on("resize", onResize);
  const stop = every(1000, () => {
    apply(options.refresh?.() ?? null);
    redraw();
  });

  return {
    dispatch(action) {
      apply(action);
      redraw();
    },
    state: () => state,
    async close() {
      if (closed) return;
      stop();
      apply(options.refresh?.() ?? null);
      redraw();
      closed = true;
      options.stream.off("resize", onResize);
      instance.unmount();
      await instance.waitUntilExit().catch(() => {});
    },
  };
}
