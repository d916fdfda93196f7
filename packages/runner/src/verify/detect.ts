import fs from "node:fs";
import path from "node:path";

const NPM_DEFAULT_TEST = /no test specified/;

/**
 * The project's own test command, when one is evident: an npm `test` script, `cargo test`,
 * `go test ./...`, pytest, or a Makefile `test` target. Null when nothing is evident.
 */
export function detectVerifyCommand(workspace: string): string | null {
  const has = (name: string) => fs.existsSync(path.join(workspace, name));
  if (has("package.json")) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(workspace, "package.json"), "utf8")) as {
        scripts?: Record<string, unknown>;
      };
      const test = pkg.scripts?.test;
      if (typeof test === "string" && !NPM_DEFAULT_TEST.test(test)) return "npm test";
    } catch {
      // an unreadable package.json says nothing about tests
    }
  }
  if (has("Cargo.toml")) return "cargo test";
  if (has("go.mod")) return "go test ./...";
  if (has("pytest.ini") || has("pyproject.toml") || has("setup.cfg") || has("tox.ini")) {
    if (has("tests") || has("test") || has("pytest.ini")) return "python3 -m pytest -q";
  }
  if (has("Makefile")) {
    const makefile = fs.readFileSync(path.join(workspace, "Makefile"), "utf8");
    if (/^test\s*:/m.test(makefile)) return "make test";
  }
  return null;
}
