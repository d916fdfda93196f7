/**
 * @nightshift/tui — the interactive terminal interface: a thin face over the engine host. It
 * opens sessions with createSession/resumeSession, asks approvals inline, and draws the
 * session's events by type and display kind. Loaded only when `nightshift` runs interactively.
 */
export { runTui, type TuiOptions } from "./run-tui.js";
