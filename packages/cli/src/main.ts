import { VERSION } from "./version.js";

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
