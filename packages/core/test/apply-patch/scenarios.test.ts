import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { applyPatch } from "../../src/tools/apply-patch/index.js";

// Codex's own conformance cases, carried in the repository with their notice.
const scenariosDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../fixtures/apply-patch/scenarios",
);
const scenarios = fs
  .readdirSync(scenariosDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Every file and folder under `root`, by relative path: file bytes (base64) or "<dir>". */
function snapshotTree(root: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  if (!fs.existsSync(root)) return snapshot;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full);
      if (entry.isDirectory()) {
        snapshot[rel] = "<dir>";
        walk(full);
      } else {
        snapshot[rel] = fs.readFileSync(full).toString("base64");
      }
    }
  };
  walk(root);
  return snapshot;
}

describe("apply_patch conformance scenarios", () => {
  it("finds all 23 scenarios", () => {
    expect(scenarios).toHaveLength(23);
  });

  for (const name of scenarios) {
    it(name, async () => {
      const scenario = path.join(scenariosDir, name);
      const work = fs.mkdtempSync(path.join(os.tmpdir(), "ns-"));
      try {
        const input = path.join(scenario, "input");
        if (fs.existsSync(input)) fs.cpSync(input, work, { recursive: true });
        const patch = fs.readFileSync(path.join(scenario, "patch.txt"), "utf8");
        await applyPatch(patch, { cwd: work });
        expect(snapshotTree(work)).toEqual(snapshotTree(path.join(scenario, "expected")));
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  }
});
