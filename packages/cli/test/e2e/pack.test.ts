import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, repoRoot, startHarness } from "./harness.js";

let h: Harness;
let dir: string;
afterEach(async () => {
  await h?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the published package", () => {
  it("packs into a package that runs outside the checkout with only its declared dependencies", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-pack-"));
    const tarball = execFileSync(
      process.execPath,
      [path.join(repoRoot, "scripts/pack.mjs"), path.join(dir, "out")],
      {
        encoding: "utf8",
      },
    ).trim();
    const installed = path.join(dir, "install");
    fs.mkdirSync(installed);
    execFileSync("tar", ["-xzf", tarball, "-C", installed]);
    const pkgDir = path.join(installed, "package");
    const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
    expect(manifest.engines).toEqual({ node: ">=22" });
    expect(manifest.bin).toEqual({ nightshift: "bin/nightshift.js" });
    const declared = [
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ];
    expect(declared.some((name) => name.startsWith("@nightshift/"))).toBe(false);

    // What `npm install -g` would put beside it: the declared dependencies, and nothing else. (A
    // real install fetches them from the registry, which tests never reach: they come from here.)
    for (const name of declared) {
      fs.cpSync(path.join(repoRoot, "node_modules", name), path.join(pkgDir, "node_modules", name), {
        recursive: true,
        dereference: true,
      });
    }

    h = await startHarness(scenario(reply(text("from the package"))));
    const outside = fs.mkdtempSync(path.join(dir, "work-"));
    // Not spawnSync: the fake model server answers from this process's event loop.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(pkgDir, "bin/nightshift.js"), "exec", "hi"], {
        cwd: outside,
        env: h.env,
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
      child.stdin.end();
    });
    expect(run.stderr).not.toMatch(/Cannot find (module|package)/);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe("from the package\n");
    const version = spawnSync(process.execPath, [path.join(pkgDir, "bin/nightshift.js"), "--version"], {
      encoding: "utf8",
    });
    expect(version.stdout).toBe(`nightshift ${manifest.version}\n`);
  });
});
