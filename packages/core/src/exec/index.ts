export {
  buildCommandEnv,
  type CommandEnvOptions,
  DEFAULT_PATH,
  FORCED_ENV,
  INHERITED_ENV_VARS,
} from "./env.js";
export { HeadTailBuffer } from "./head-tail-buffer.js";
export {
  LOGIN_CAPTURE_TIMEOUT_MS,
  type LoginShellCommand,
  type LoginShellRun,
  LoginShellSnapshot,
  loginScript,
} from "./login-shell.js";
export { loadPty, type PtyModule } from "./pty.js";
export {
  MAX_PTY_SESSIONS,
  PTY_OUTPUT_CAP_BYTES,
  PtySession,
  PtySessionManager,
  type PtySessionManagerDeps,
  type SessionRead,
  type YieldTimer,
} from "./pty-sessions.js";
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_OUTPUT_BYTES,
  type ProcessRequest,
  runProcess,
} from "./run-process.js";
export { DEFAULT_SPILL_MAX_BYTES, SpillFile } from "./spill-file.js";
