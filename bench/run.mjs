// `npm run bench`: bundles each bench/*.bench.ts with esbuild and runs it in its own process,
// one after another, so their measurements do not disturb each other. Pass names to run a subset:
// `npm run bench -- startup cache`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, ".dist");
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.startsWith(w)))
  .sort();

await build({
  entryPoints: benches.map((name) => path.join(here, name)),
  outdir,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  logLevel: "warning",
  external: ["node-pty", "@vscode/ripgrep", "web-tree-sitter", "tree-sitter-bash", "@modelcontextprotocol/*"],
  // Ink imports React's devtools only when DEV=true; one bundle per bench has no chunk to keep it in.
  plugins: [
    {
      name: "no-react-devtools",
      setup(b) {
        b.onResolve({ filter: /^react-devtools-core$/ }, () => ({
          path: "react-devtools-core",
          namespace: "empty",
        }));
        b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "export default {};" }));
      },
    },
  ],
  // React's production build, as in the shipped binary.
  define: { "process.env.NODE_ENV": '"production"' },
  banner: { js: 'import { createRequire as __r } from "node:module"; const require = __r(import.meta.url);' },
  outExtension: { ".js": ".mjs" },
});

let failed = false;
for (const name of benches) {
  const file = path.join(outdir, name.replace(/\.ts$/, ".mjs"));
  process.stdout.write(`\n=== ${name.replace(/\.bench\.ts$/, "")} ===\n`);
  const result = spawnSync(process.execPath, ["--expose-gc", file], {
    stdio: "inherit",
    cwd: path.resolve(here, ".."),
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
