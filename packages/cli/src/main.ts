import v8 from "node:v8";
import { VERSION } from "./version.js";

// Long sessions allocate a request body the size of the history for every request. By default V8
// lets the heap run to about four times what is live before collecting (peak RSS past 200 MiB
// over 1,000 requests); this keeps it near what is live at about the same CPU (see
// bench/memory.bench.ts).
v8.setFlagsFromString("--optimize-for-size");

/**
 * Entry point. `--version` answers before anything else is loaded; every command imports its
 * implementation lazily so start-up only pays for what runs.
 */
export async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    process.stdout.write(`nightshift ${VERSION}\n`);
    return 0;
  }
  const { buildProgram } = await import("./program.js");
  return buildProgram().run(argv);
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`nightshift: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
