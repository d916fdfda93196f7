// `npm run pack`: a package of the built CLI that installs anywhere (`npm install -g ./nightshift-<v>.tgz`)
// and runs on Node 22+. The workspace packages are bundled into dist/ by scripts/build.mjs, so the
// published package depends only on what the bundle leaves external: native addons and packages
// that locate their own files. Their versions are the ones the lockfile installed.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "packages/cli");
const out = path.resolve(process.argv[2] ?? path.join(root, "dist-pack"));
const { version } = JSON.parse(readFileSync(path.join(cli, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));
const installed = (name) => {
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry?.version) throw new Error(`${name} is not in package-lock.json: run npm install first`);
  return entry.version;
};

// What scripts/build.mjs keeps out of the bundle and the code loads at run time.
const dependencies = Object.fromEntries(
  ["@vscode/ripgrep", "web-tree-sitter", "tree-sitter-bash"].map((name) => [name, `^${installed(name)}`]),
);
// Without them the package still works: no terminal sessions, images sent unresized.
const optionalDependencies = { "node-pty": `^${installed("node-pty")}`, sharp: `^${installed("sharp")}` };

rmSync(out, { recursive: true, force: true });
const stage = path.join(out, "package");
mkdirSync(stage, { recursive: true });
cpSync(path.join(cli, "bin"), path.join(stage, "bin"), { recursive: true });
cpSync(path.join(cli, "dist"), path.join(stage, "dist"), { recursive: true });
writeFileSync(
  path.join(stage, "package.json"),
  `${JSON.stringify(
    {
      name: "nightshift",
      version,
      description:
        "An open-source coding agent for long jobs: Codex's engine in TypeScript, plus runs of up to 24 hours.",
      license: "Apache-2.0",
      type: "module",
      bin: { nightshift: "bin/nightshift.js" },
      engines: { node: ">=22" },
      dependencies,
      optionalDependencies,
    },
    null,
    2,
  )}\n`,
);
cpSync(path.join(root, "README.md"), path.join(stage, "README.md"));
const packed = spawnSync("npm", ["pack", "--pack-destination", out], { cwd: stage, encoding: "utf8" });
if (packed.status !== 0) {
  process.stderr.write(packed.stderr);
  process.exit(1);
}
const file = packed.stdout.trim().split("\n").at(-1);
process.stdout.write(`${path.join(out, file)}\n`);
