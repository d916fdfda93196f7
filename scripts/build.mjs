// Bundles the CLI (and the fake model server's CLI) with esbuild. Heavy modules are split into
// chunks that load only when a command needs them.
import { cpSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(path.join(root, "packages/cli/package.json"), "utf8"));

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: "linked",
  logLevel: "warning",
  // Native addons and packages that locate files next to themselves stay external; Ink loads
  // react-devtools-core only under DEV=true, which nightshift never sets.
  external: [
    "node-pty",
    "@vscode/ripgrep",
    "web-tree-sitter",
    "tree-sitter-bash",
    "react-devtools-core",
    "sharp",
  ],
  banner: {
    js: 'import { createRequire as __nsCreateRequire } from "node:module"; const require = __nsCreateRequire(import.meta.url);',
  },
};

// Old chunks would pile up (their names carry content hashes): start from an empty dist.
rmSync(path.join(root, "packages/cli/dist"), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { nightshift: path.join(root, "packages/cli/src/main.ts") },
  outdir: path.join(root, "packages/cli/dist"),
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  define: { NIGHTSHIFT_VERSION: JSON.stringify(version), "process.env.NODE_ENV": '"production"' },
});
// The page `nightshift serve` answers GET / with: found beside the bundle (dist/web).
cpSync(path.join(root, "packages/server/web"), path.join(root, "packages/cli/dist/web"), { recursive: true });

const testkitBuild = path.join(root, "packages/testkit/build.mjs");
try {
  readFileSync(testkitBuild);
  await import(testkitBuild);
} catch (err) {
  if (err.code !== "ENOENT") throw err;
}
