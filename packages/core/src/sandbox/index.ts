export {
  ApprovalCache,
  decideAfterFailure,
  decideExec,
  ESCALATION_HINT,
  type ExecDecision,
  type ExecDecisionInput,
  execApprovalKey,
  NEVER_HINT,
  type RetryDecision,
  type RetryInput,
} from "./approval.js";
export {
  type BashParser,
  findBashCommands,
  loadBashParser,
  MAX_ANALYSED_SCRIPT_LENGTH,
  splitBashScript,
} from "./bash-script.js";
export { type BwrapOptions, buildBwrapArgs, DEFAULT_MAX_PROCESSES, wrapWithBwrap } from "./bwrap.js";
export { isDangerousCommand, isKnownSafeCommand, shellWrapperScript } from "./command-safety.js";
export { isLikelySandboxDenial, SANDBOX_DENIAL_KEYWORDS } from "./denial.js";
export {
  APPROVAL_POLICIES,
  type ApprovalPolicy,
  isPathWritable,
  PROTECTED_SUBDIRS,
  SANDBOX_MODES,
  type SandboxMode,
  type SandboxPolicy,
  writableRoots,
} from "./policy.js";
export {
  findBwrap,
  findSystemProgram,
  type ProbeOptions,
  probeSandbox,
  SANDBOX_EXEC_PATH,
  type SandboxProbe,
} from "./probe.js";
export { findProcessCap, MIN_PID_MAX, type ProcessCap, processCapArgv } from "./process-cap.js";
export {
  type LayoutMount,
  layoutMounts,
  MAX_PROTECTED_PATHS,
  pinSessionPaths,
  planSandboxLayout,
  type SandboxLayout,
} from "./protected-paths.js";
export { assertSandboxUsable, type CommandRunnerDeps, createCommandRunner } from "./runner.js";
export { buildSeatbeltProfile, type SeatbeltProfile, wrapWithSeatbelt } from "./seatbelt.js";
export { buildNetworkSeccompFilter } from "./seccomp.js";
export {
  DEFAULT_MAX_SCANNED_DIRECTORIES,
  type PinCheck,
  type PinRole,
  SessionPins,
} from "./session-pins.js";
