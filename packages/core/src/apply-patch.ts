/** The apply_patch format: parse and apply patches (the `nightshift apply-patch` command). */
export * from "./tools/apply-patch/index.js";
