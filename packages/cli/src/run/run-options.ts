import { InvalidArgumentError } from "commander";

/** Parsed options of `nightshift run` (commander's camel-cased names). */
export type RunCommandOptions = {
  cd?: string;
  hours?: number;
  maxCost?: number;
  hourlyFee?: number;
  checkpointInterval?: number;
  verify: string[];
  output?: "zip" | "patch" | "none";
  outputFile?: string;
  json?: boolean;
  model?: string;
  planModel?: string;
  reviewModel?: string;
  compactModel?: string;
  fallbackModel?: string[];
};

export type RunIo = {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
};

/** A commander parser for a number flag, with the flag's name in the error. */
export function numberFlag(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n))
      throw new InvalidArgumentError(`${flag} needs a number, got "${value}"`);
    return n;
  };
}
