import type { ProviderInfo } from "../../model/provider.js";
import { SetupError } from "../errors.js";
import { getJson, ndjson, type OssHttp, send, serverRoot, UnreachableError } from "./http.js";
import { type OssReporter, PullProgress } from "./progress.js";

/** Oldest Ollama whose `/v1/responses` we can use; Chat Completions with streamed tool calls is older. */
export const OLLAMA_MIN_VERSION = { responses: "0.13.4", chat: "0.8.0" } as const;

/**
 * Checks that Ollama runs, is recent enough for the wire API in use, and has the model, pulling
 * it (with progress) when it does not.
 */
export async function ensureOllamaReady(
  provider: ProviderInfo,
  model: string,
  reporter: OssReporter,
  http: OssHttp,
): Promise<void> {
  const root = serverRoot(provider.baseUrl);
  const version = await probe(http, `${root}/api/version`, root);
  if (!version.ok) {
    throw new SetupError(
      `the server at ${root} does not look like Ollama (GET /api/version answered HTTP ${version.status}). Check NIGHTSHIFT_OSS_BASE_URL or the ollama base_url in config.toml, or use --local-provider lmstudio for LM Studio.`,
    );
  }
  const found = String((version.json as { version?: unknown }).version ?? "");
  const minimum = OLLAMA_MIN_VERSION[provider.wireApi];
  if (!versionAtLeast(found, minimum)) {
    throw new SetupError(
      `Ollama ${found || "(unknown version)"} at ${root} is too old: nightshift needs ${minimum} or newer${provider.wireApi === "responses" ? ' for wire_api = "responses"' : ""}. Update it from https://ollama.com/download (or run the latest ollama/ollama image).`,
    );
  }
  const tags = await probe(http, `${root}/api/tags`, root);
  const names = tags.ok ? modelNames(tags.json) : [];
  if (names.some((name) => sameModel(name, model))) return;
  await pull(root, model, reporter, http);
}

async function probe(http: OssHttp, url: string, root: string) {
  try {
    return await getJson(http, url);
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    throw new SetupError(
      `Ollama is not running at ${root} (${err.message}). Start it with \`ollama serve\` (or open the Ollama app); install it from https://ollama.com/download. If it listens elsewhere, set NIGHTSHIFT_OSS_BASE_URL=http://host:port/v1 (or NIGHTSHIFT_OSS_PORT).`,
    );
  }
}

async function pull(root: string, model: string, reporter: OssReporter, http: OssHttp): Promise<void> {
  reporter.line(`Ollama does not have ${model} yet; pulling it (this can take a while)...`);
  let response: Response;
  try {
    response = await send(http, `${root}/api/pull`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, stream: true }),
    });
  } catch (err) {
    throw new SetupError(`could not pull ${model} from Ollama at ${root}: ${(err as Error).message}`);
  }
  const failed = (reason: string) =>
    new SetupError(
      `could not pull ${model} with Ollama: ${reason}. Check the name at https://ollama.com/library, or choose an installed model with -m (see \`ollama list\`).`,
    );
  if (!response.ok || !response.body)
    throw failed(`HTTP ${response.status} ${(await response.text().catch(() => "")).trim()}`);
  const progress = new PullProgress(model, reporter);
  let success = false;
  for await (const event of ndjson(response.body)) {
    if (typeof event.error === "string") throw failed(event.error);
    progress.update(event);
    if (event.status === "success") success = true;
  }
  if (!success) throw failed("the download ended before it finished");
  reporter.line(`pulled ${model}`);
}

function modelNames(json: unknown): string[] {
  const models = (json as { models?: unknown }).models;
  if (!Array.isArray(models)) return [];
  return models.flatMap((entry) => {
    const name = (entry as { name?: unknown; model?: unknown }).name ?? (entry as { model?: unknown }).model;
    return typeof name === "string" ? [name] : [];
  });
}

/** Ollama names without a tag mean `:latest`. */
function sameModel(a: string, b: string): boolean {
  const norm = (name: string) => {
    const lower = name.toLowerCase();
    return /:[^/]*$/.test(lower) ? lower : `${lower}:latest`;
  };
  return norm(a) === norm(b);
}

/** Compares dotted versions; "0.0.0" is a development build and always passes. */
export function versionAtLeast(found: string, minimum: string): boolean {
  const parse = (text: string) =>
    text
      .match(/\d+(\.\d+)*/)?.[0]
      .split(".")
      .map(Number) ?? null;
  const have = parse(found);
  const want = parse(minimum) ?? [];
  if (!have) return false;
  if (have.every((part) => part === 0)) return true;
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const difference = (have[i] ?? 0) - (want[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}
