// Bundles the testkit library and CLI to packages/testkit/dist. Builds when run (`node build.mjs`)
// and when imported (the root scripts/build.mjs imports it).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

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
