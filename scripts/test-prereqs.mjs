// Before `npm test`: the programs the tests use for real (bubblewrap for the sandbox, faketime for
// the 24-hour run, tmux for the terminal interface, unshare for storage faults, git, PostgreSQL for
// the scale-out tests, which start a throwaway cluster of their own, chromium for the serve page).
// Missing ones are installed with apt-get when this machine allows it (root, or sudo without a
// password); otherwise the tests stop at once with the exact command to run.
import { spawnSync } from "node:child_process";

const NEEDED = [
  { program: "bwrap", pkg: "bubblewrap" },
  { program: "faketime", pkg: "faketime" },
  { program: "tmux", pkg: "tmux" },
  { program: "unshare", pkg: "util-linux" },
  { program: "git", pkg: "git" },
  { program: "chromium", pkg: "chromium" },
  // Debian keeps PostgreSQL's server programs off PATH.
  { program: "initdb", pkg: "postgresql", probe: "ls /usr/lib/postgresql/*/bin/initdb" },
];

const succeeds = (script) => spawnSync("sh", ["-c", script], { stdio: "ignore" }).status === 0;
const has = (program) => succeeds(`command -v ${program}`);
const missing = () => NEEDED.filter(({ program, probe }) => !(probe ? succeeds(probe) : has(program)));

let absent = missing();
if (absent.length === 0) process.exit(0);
const packages = [...new Set(absent.map(({ pkg }) => pkg))];
const command = `apt-get update && apt-get install -y ${packages.join(" ")}`;
const root = process.getuid?.() === 0;
const sudo = !root && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
if (
  process.platform === "linux" &&
  has("apt-get") &&
  (root || sudo) &&
  !process.env.NIGHTSHIFT_TEST_NO_INSTALL
) {
  process.stderr.write(`Installing what the tests need: ${packages.join(", ")}\n`);
  const run = (args) => spawnSync(root ? args[0] : "sudo", root ? args.slice(1) : args, { stdio: "inherit" });
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", ...packages]);
  absent = missing();
  if (absent.length === 0) process.exit(0);
}
process.stderr.write(
  `The tests need ${absent.map(({ program }) => program).join(", ")}, which this machine lacks. Install them first:\n\n  ${root ? "" : "sudo "}${command}\n\n`,
);
process.exit(1);
