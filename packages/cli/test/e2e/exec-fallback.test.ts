import { fault, scenario } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

const missingModel = fault({
  type: "http",
  status: 404,
  code: "model_not_found",
  message: "The model `gpt-5.1-codex` does not exist.",
});

describe("nightshift exec --fallback-model", () => {
  it("continues on the fallback, says so as it happens and in the summary", async () => {
    h = await startHarness(
      scenario(
        { ...missingModel, match: { model: "gpt-5.1-codex" } },
        {
          match: { model: "gpt-5.4-mini" },
          response: { output: [{ type: "message", text: "answered by the fallback" }] },
        },
      ),
    );
    const result = await h.run(["exec", "--fallback-model", "gpt-5.4-mini", "hello"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("answered by the fallback\n");
    expect(result.stderr).toMatch(
      /model: continuing on fake:gpt-5\.4-mini instead of fake:gpt-5\.1-codex: .*does not exist/,
    );
    expect(result.stderr).toMatch(/fell back from fake:gpt-5\.1-codex to fake:gpt-5\.4-mini/);
    expect(h.server.requests.map((r) => r.body?.model)).toEqual(["gpt-5.1-codex", "gpt-5.4-mini"]);
  });

  it("prints the hand-over as a model_fallback line with --json", async () => {
    h = await startHarness(
      scenario(
        { ...missingModel, match: { model: "gpt-5.1-codex" } },
        { match: { model: "gpt-5.4-nano" }, response: { output: [{ type: "message", text: "ok" }] } },
      ),
      { config: 'fallback_models = ["gpt-5.4-nano"]' },
    );
    const result = await h.run(["exec", "--json", "hello"]);
    expect(result.code).toBe(0);
    const events = h.jsonEvents(result);
    expect(events.find((e) => e.type === "model_fallback")).toMatchObject({
      from: "fake:gpt-5.1-codex",
      to: "fake:gpt-5.4-nano",
      error_kind: "invalid_request",
    });
    expect(events.at(-1).type).toBe("turn.completed");
  });
});
