import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

describe("nightshift serve keys (the built binary)", { timeout: 60_000 }, () => {
  it("creates keys shown once, lists them without their secrets, revokes by name or id", async () => {
    h = await startHarness({ steps: [] });
    const created = await h.run(["serve", "keys", "create", "--name", "ci", "--json"]);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ name: "ci", api_key: expect.stringMatching(/^nsk_/) });
    expect(key.webhook_secret).toMatch(/^whsec_/);
    const human = await h.run(["serve", "keys", "create", "--name", "laptop"]);
    expect(human.stdout).toMatch(/^api_key: +nsk_/m);
    expect(human.stderr).toContain("not shown again");

    const listed = await h.run(["serve", "keys", "list", "--json"]);
    expect(listed.stdout).not.toContain(key.api_key);
    expect(listed.stdout).not.toContain(key.webhook_secret);
    const rows = JSON.parse(listed.stdout);
    expect(rows.map((r: { name: string; revoked_at: string | null }) => [r.name, r.revoked_at])).toEqual([
      ["ci", null],
      ["laptop", null],
    ]);

    expect((await h.run(["serve", "keys", "revoke", "laptop"])).code).toBe(0);
    expect((await h.run(["serve", "keys", "revoke", key.id])).stdout).toContain(`revoked ${key.id}`);
    const again = await h.run(["serve", "keys", "revoke", "laptop"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("no active key with the id or name laptop");
    const after = JSON.parse((await h.run(["serve", "keys", "list", "--json"])).stdout);
    expect(after.every((r: { revoked_at: string | null }) => r.revoked_at !== null)).toBe(true);

    const badPort = await h.run(["serve", "--port", "http"]);
    expect(badPort.code).not.toBe(0);
    expect(badPort.stderr).toContain("--port takes a whole number from 0 to 65535");
  });
});
