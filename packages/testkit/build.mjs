// Bundles the testkit library and CLI to packages/testkit/dist (called by the root build).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

export async function buildTestkit() {
  await build({
    entryPoints: [path.join(here, "src/index.ts"), path.join(here, "src/cli.ts")],
    outdir: path.join(here, "dist"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    sourcemap: true,
    logLevel: "warning",
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildTestkit();
}
