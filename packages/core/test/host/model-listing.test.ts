import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startFakeModelServer } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { listConfiguredModels } from "../../src/index.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function homeWith(config: string[]): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-models-"));
  cleanups.push(() => fs.rmSync(base, { recursive: true, force: true }));
  fs.writeFileSync(path.join(base, "config.toml"), config.join("\n"));
  return base;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("listConfiguredModels", () => {
  it("merges each provider's /v1/models with the catalogue and config, with roles and prices", async () => {
    const alpha = await startFakeModelServer({ models: ["gpt-5.4", "alpha-big"] });
    const beta = await startFakeModelServer({ models: ["beta-small", "beta-large"], apiKey: "beta-secret" });
    cleanups.push(
      () => alpha.close(),
      () => beta.close(),
    );
    const down = await closedPort();
    const home = homeWith([
      'model = "gpt-5.4"',
      'model_provider = "alpha"',
      'fallback_models = ["beta:beta-small"]',
      'compact_model = "gpt-5.4-nano"',
      "[run]",
      'plan_model = "beta:beta-large"',
      'review_model = "gpt-5.4-mini"',
      '[models."beta:beta-small"]',
      "context_window = 32000",
      "input_price_per_million = 0.2",
      "cached_input_price_per_million = 0.02",
      "output_price_per_million = 0.8",
      "[model_providers.alpha]",
      `base_url = "${alpha.url}"`,
      "[model_providers.beta]",
      `base_url = "${beta.url}"`,
      'wire_api = "chat"',
      'env_key = "BETA_KEY"',
      "[model_providers.gone]",
      `base_url = "http://127.0.0.1:${down}/v1"`,
    ]);
    const { providers } = await listConfiguredModels({}, { home, env: { BETA_KEY: "beta-secret" } });
    expect(providers.map((p) => [p.id, p.listing])).toEqual([
      ["alpha", "listed"],
      ["beta", "listed"],
      ["gone", "failed"],
    ]);
    expect(beta.requests[0]!.headers.authorization).toBe("Bearer beta-secret");
    const [a, b, gone] = providers;

    const gpt54 = a!.models.find((m) => m.model === "gpt-5.4")!;
    expect(gpt54).toMatchObject({
      contextWindow: 272_000,
      prices: { input: 2.5, cachedInput: 0.25, output: 15 },
      reasoning: true,
      known: true,
      sources: ["catalogue", "provider", "config"],
      roles: ["model"],
    });
    // Config uses a model the listing lacks: it is shown all the same.
    expect(a!.models.find((m) => m.model === "gpt-5.4-nano")).toMatchObject({
      sources: ["catalogue", "config"],
      roles: ["compact"],
    });
    expect(a!.models.find((m) => m.model === "gpt-5.4-mini")!.roles).toEqual(["run.review"]);
    expect(a!.models.find((m) => m.model === "alpha-big")).toMatchObject({
      known: false,
      prices: null,
      sources: ["provider"],
      roles: [],
    });

    expect(b!.wireApi).toBe("chat");
    expect(b!.models.find((m) => m.model === "beta-small")).toMatchObject({
      contextWindow: 32_000,
      prices: { input: 0.2, cachedInput: 0.02, output: 0.8 },
      applyPatch: "function",
      roles: ["fallback"],
    });
    expect(b!.models.find((m) => m.model === "beta-large")!.roles).toEqual(["run.plan"]);

    expect(gone!.problem).toMatch(/GET \/models failed: ECONNREFUSED/);
    expect(gone!.models).toEqual([]);
  });

  it("reports a refused key and does not ask anyone when offline", async () => {
    const guarded = await startFakeModelServer({ models: ["m1"], apiKey: "right" });
    cleanups.push(() => guarded.close());
    const home = homeWith([
      'model = "m1"',
      'model_provider = "guarded"',
      "[model_providers.guarded]",
      `base_url = "${guarded.url}"`,
      'env_key = "GUARDED_KEY"',
    ]);
    const refused = await listConfiguredModels({}, { home, env: { GUARDED_KEY: "wrong" } });
    expect(refused.providers[0]).toMatchObject({
      listing: "failed",
      problem: "GET /models answered HTTP 401",
    });
    expect(refused.providers[0]!.models.map((m) => m.model)).toEqual(["m1"]);

    const before = guarded.requests.length;
    const offline = await listConfiguredModels({}, { home, env: { GUARDED_KEY: "right" }, online: false });
    expect(offline.providers[0]!.listing).toBe("not_asked");
    expect(guarded.requests.length).toBe(before);

    const missingKey = await listConfiguredModels({}, { home, env: {} });
    expect(missingKey.providers[0]!.listing).toBe("not_asked");
    expect(missingKey.providers[0]!.problem).toContain("GUARDED_KEY");
  });
});
