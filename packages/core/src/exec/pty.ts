import type { IPty } from "node-pty";

/** The part of node-pty we use. */
export type PtyModule = {
  spawn(
    file: string,
    args: string[],
    options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string> },
  ): IPty;
};

/**
 * Loads node-pty on first use. It is an optional native dependency: when it is missing or fails to
 * load, the caller falls back to pipes. `import()` caches the module, so there is no state here.
 */
export async function loadPty(): Promise<PtyModule | { error: string }> {
  try {
    const mod = (await import("node-pty")) as PtyModule & { default?: PtyModule };
    return typeof mod.spawn === "function" ? mod : (mod.default ?? { error: "node-pty has no spawn()" });
  } catch (err) {
    return { error: (err as Error).message };
  }
}
