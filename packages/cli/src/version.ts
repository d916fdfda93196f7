/** Replaced at build time by scripts/build.mjs; "dev" when run from source. */
declare const NIGHTSHIFT_VERSION: string | undefined;
export const VERSION: string = typeof NIGHTSHIFT_VERSION === "string" ? NIGHTSHIFT_VERSION : "0.0.0-dev";
