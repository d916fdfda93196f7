import { scenario } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

describe("nightshift models", () => {
  it("lists the provider's /v1/models with context window, prices, capabilities and roles", async () => {
    h = await startHarness(scenario(), {
      config: [
        'fallback_models = ["gpt-5.4-mini"]',
        "[run]",
        'review_model = "gpt-oss:20b"',
        '[models."gpt-oss:20b"]',
        "context_window = 131072",
        "input_price_per_million = 0.05",
        "output_price_per_million = 0.2",
      ].join("\n"),
    });
    const text = await h.run(["models"]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toBe(
      `fake: ${h.server.url} (responses) — models from /v1/models, the catalogue and config`,
    );
    expect(lines[1]).toMatch(
      /^ {2}MODEL +CONTEXT +IN \$\/M +CACHED \$\/M +OUT \$\/M +CAPABILITIES +USED AS$/,
    );
    expect(lines.find((l) => l.includes("gpt-5.1-codex"))).toMatch(
      /gpt-5\.1-codex +272,000 +1\.25 +0\.13 +10\.00 +reasoning, parallel tools, freeform patch +model$/,
    );
    expect(lines.find((l) => l.includes("gpt-oss:20b"))).toMatch(
      /131,072 +0\.050 +0\.00 +0\.20 .* run\.review$/,
    );
    expect(lines.find((l) => l.includes("gpt-5.4-mini"))).toMatch(/fallback$/);

    const json = await h.run(["models", "--json"]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.providers).toHaveLength(1);
    expect(parsed.providers[0]).toMatchObject({ id: "fake", listing: "listed", wireApi: "responses" });
    expect(parsed.providers[0].models.map((m: { model: string }) => m.model).sort()).toEqual([
      "gpt-5.1-codex",
      "gpt-5.4-mini",
      "gpt-oss:20b",
    ]);
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/models",
      "GET /v1/models",
    ]);

    const offline = await h.run(["models", "--offline", "--provider", "nowhere"]);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain('no configured provider "nowhere"');
    expect(h.server.requests).toHaveLength(2);
  });
});
