import type { ProviderInfo } from "../../model/provider.js";
import { SetupError } from "../errors.js";
import { getJson, type OssHttp, serverRoot, UnreachableError } from "./http.js";
import type { OssReporter } from "./progress.js";

type ListedModel = { id: string; state?: string };

/**
 * Checks that LM Studio's server runs and has the model downloaded. LM Studio loads a model on
 * its first request, so a downloaded but unloaded model only gets a note.
 */
export async function ensureLmStudioReady(
  provider: ProviderInfo,
  model: string,
  reporter: OssReporter,
  http: OssHttp,
): Promise<void> {
  const root = serverRoot(provider.baseUrl);
  const models = await listModels(provider, root, http);
  const match = models.find((entry) => entry.id.toLowerCase() === model.toLowerCase());
  if (!match) {
    const have = models.length > 0 ? ` Downloaded: ${models.map((entry) => entry.id).join(", ")}.` : "";
    throw new SetupError(
      `LM Studio at ${root} does not have the model "${model}". Download it with \`lms get ${model}\` (or search for it in the LM Studio app), or choose a downloaded one with -m.${have}`,
    );
  }
  if (match.state && match.state !== "loaded") {
    reporter.line(`LM Studio will load ${match.id} on the first request (this can take a moment)`);
  }
}

async function listModels(provider: ProviderInfo, root: string, http: OssHttp): Promise<ListedModel[]> {
  try {
    const native = await getJson(http, `${root}/api/v0/models`);
    if (native.ok) return listed(native.json);
    const openai = await getJson(http, `${provider.baseUrl.replace(/\/+$/, "")}/models`);
    if (openai.ok) return listed(openai.json);
    throw new SetupError(
      `the server at ${root} does not look like LM Studio (GET /api/v0/models answered HTTP ${native.status}, /v1/models HTTP ${openai.status}). Check NIGHTSHIFT_OSS_BASE_URL or the lmstudio base_url in config.toml.`,
    );
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    throw new SetupError(
      `LM Studio's server is not running at ${root} (${err.message}). Start it in the LM Studio app (Developer tab, "Start server") or with \`lms server start\`; get LM Studio from https://lmstudio.ai. If it listens elsewhere, set NIGHTSHIFT_OSS_BASE_URL=http://host:port/v1 (or NIGHTSHIFT_OSS_PORT).`,
    );
  }
}

function listed(json: unknown): ListedModel[] {
  const data = (json as { data?: unknown }).data;
  if (!Array.isArray(data)) return [];
  return data.flatMap((entry) => {
    const { id, state } = entry as { id?: unknown; state?: unknown };
    return typeof id === "string" ? [{ id, state: typeof state === "string" ? state : undefined }] : [];
  });
}
