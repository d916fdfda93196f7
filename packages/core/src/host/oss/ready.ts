import type { RuntimeConfig } from "../config/resolve.js";
import { SetupError } from "../errors.js";
import type { OssHttp } from "./http.js";
import { ensureLmStudioReady } from "./lmstudio.js";
import { ensureOllamaReady } from "./ollama.js";
import { type OssReporter, toReporter } from "./progress.js";

export { type OssReporter, streamReporter } from "./progress.js";

const DEFAULT_HTTP: OssHttp = { fetch: (...args) => globalThis.fetch(...args), timeoutMs: 5_000 };

/**
 * Makes sure the local model server of `--oss` is up and has the model, reporting progress on
 * `progress` (a line callback, or a reporter with an in-place status line: see `streamReporter`).
 * Throws a SetupError with an actionable message otherwise.
 */
export async function ensureOssReady(
  runtime: RuntimeConfig,
  progress: ((line: string) => void) | OssReporter,
  http: OssHttp = DEFAULT_HTTP,
): Promise<void> {
  const reporter = toReporter(progress);
  switch (runtime.provider.id) {
    case "ollama":
      return ensureOllamaReady(runtime.provider, runtime.model, reporter, http);
    case "lmstudio":
      return ensureLmStudioReady(runtime.provider, runtime.model, reporter, http);
    default:
      throw new SetupError(
        `--oss works with the local providers ollama and lmstudio, not "${runtime.provider.id}"`,
      );
  }
}
