/**
 * @nightshift/server — `nightshift serve`: the task API. Create an agent with its limits, upload a
 * project, create a task (a run of @nightshift/runner), follow it, get a webhook, download the
 * result; and a page for people. Storage is behind one interface (SQLite now).
 */

export { openApiDocument } from "./api/openapi.js";
export { withKeys } from "./keys/manage.js";
export * from "./scaleout/index.js";
export { DEFAULT_MAX_UPLOAD_BYTES, type RunningServer, type ServeOptions, startServer } from "./server.js";
export { openSqliteStorage, StorageError } from "./storage/sqlite/sqlite-storage.js";
export type { Storage, StorageOps } from "./storage/types.js";
