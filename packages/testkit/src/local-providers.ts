/** Model listings: OpenAI `/v1/models`, Ollama native (`/api/version`, `/api/tags`, `/api/pull`), LM Studio `/api/v0/models`. */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson } from "./http.js";

export interface ModelCatalogOptions {
  models: string[];
  pullable: string[];
  loadedModels?: string[];
  ollamaVersion: string;
  now: () => number;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Deterministic pseudo-random number in [0, 1) from a name. */
function unit(name: string): number {
  return Number.parseInt(sha256(name).slice(0, 8), 16) / 0x1_0000_0000;
}

export class ModelCatalog {
  readonly #models: string[];
  readonly #pullable: Set<string>;
  readonly #loaded: Set<string> | null;

  constructor(private readonly options: ModelCatalogOptions) {
    this.#models = [...options.models];
    this.#pullable = new Set([...options.pullable, ...options.models]);
    this.#loaded = options.loadedModels ? new Set(options.loadedModels) : null;
  }

  get models(): readonly string[] {
    return this.#models;
  }

  openAiList() {
    return {
      object: "list",
      data: this.#models.map((id) => ({
        id,
        object: "model",
        created: 1_700_000_000,
        owned_by: id.includes(":") ? "library" : "openai",
      })),
    };
  }

  ollamaVersion() {
    return { version: this.options.ollamaVersion };
  }

  ollamaTags() {
    const modifiedAt = new Date(this.options.now()).toISOString();
    return {
      models: this.#models.map((name) => ({
        name,
        model: name,
        modified_at: modifiedAt,
        size: this.#layers(name).reduce((sum, layer) => sum + layer.total, 0),
        digest: sha256(`manifest:${name}`),
        details: {
          parent_model: "",
          format: "gguf",
          family: name.split(/[:/]/)[0] ?? name,
          families: [name.split(/[:/]/)[0] ?? name],
          parameter_size: "20.9B",
          quantization_level: "MXFP4",
        },
      })),
    };
  }

  lmStudioModels() {
    return {
      object: "list",
      data: this.#models.map((id) => ({
        id,
        object: "model",
        type: "llm",
        publisher: id.includes("/") ? id.split("/")[0] : "local",
        arch: "gpt-oss",
        compatibility_type: "gguf",
        quantization: "MXFP4",
        state: this.#loaded === null || this.#loaded.has(id) ? "loaded" : "not-loaded",
        max_context_length: 131072,
      })),
    };
  }

  #layers(name: string): { digest: string; total: number }[] {
    return [0, 1, 2].map((i) => {
      const digest = `sha256:${sha256(`layer:${name}:${i}`)}`;
      const total = i === 0 ? Math.floor(1e9 + unit(digest) * 1e10) : Math.floor(100 + unit(digest) * 10_000);
      return { digest, total };
    });
  }

  /** Progress lines of a pull, or the error Ollama gives for a model it cannot find. */
  pullLines(model: string): { lines: object[]; error?: string } {
    const lines: object[] = [{ status: "pulling manifest" }];
    if (!this.#pullable.has(model)) return { lines, error: "pull model manifest: file does not exist" };
    for (const { digest, total } of this.#layers(model)) {
      const status = `pulling ${digest.slice(7, 19)}`;
      for (const completed of [0, Math.floor(total / 2), total])
        lines.push({ status, digest, total, completed });
    }
    lines.push({ status: "verifying sha256 digest" }, { status: "writing manifest" }, { status: "success" });
    return { lines };
  }

  /** Serves `POST /api/pull`; a successful pull adds the model to the listings. */
  servePull(res: ServerResponse, body: Record<string, unknown> | null): void {
    const model =
      typeof body?.model === "string" ? body.model : typeof body?.name === "string" ? body.name : "";
    const { lines, error } = this.pullLines(model);
    if (!error && !this.#models.includes(model)) this.#models.push(model);
    if (body?.stream === false) {
      if (error) sendJson(res, 500, { error });
      else sendJson(res, 200, { status: "success" });
      return;
    }
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    for (const line of lines) res.write(`${JSON.stringify(line)}\n`);
    if (error) res.write(`${JSON.stringify({ error })}\n`);
    res.end();
  }
}
