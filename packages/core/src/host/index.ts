export type { HostDeps, SessionExtensions } from "./build-session.js";
export type { SessionCeiling } from "./ceiling.js";
export { configPath, loadConfigToml, nightshiftHome } from "./config/load.js";
export { ConfigError, SetupError } from "./errors.js";
export type { FallbackRecord } from "./model-gateway.js";
export {
  type ListedModel,
  listConfiguredModels,
  type ModelSource,
  type ProviderListing,
} from "./model-listing.js";
export { createSession, findSession, listSessions, resumeSession, type SessionSpec } from "./open.js";
export { type OssReporter, streamReporter } from "./oss/progress.js";
export { type McpServerState, Session, type SessionUsage, type SettingsChange } from "./session.js";
export { DEFAULT_MAX_OPEN_SESSIONS, SessionPool } from "./session-pool.js";
