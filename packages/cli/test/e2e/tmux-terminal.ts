import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, vi } from "vitest";

/**
 * A real terminal for the built binary: tmux runs a command in a named window, send-keys types,
 * capture-pane reads the screen. Every wait polls the pane until the text is there, within a bound.
 */
export class TmuxTerminal {
  readonly #socket: string;
  readonly #conf: string;

  constructor(
    dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.#socket = path.join(dir, "tmux.sock");
    this.#conf = path.join(dir, "tmux.conf");
    fs.writeFileSync(this.#conf, "set -g remain-on-exit on\nset -g history-limit 5000\n");
  }

  tmux(...args: string[]): string {
    const result = spawnSync("tmux", ["-S", this.#socket, "-f", this.#conf, ...args], {
      env: this.env,
      encoding: "utf8",
    });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }

  start(name: string, size: { columns: number; rows: number }, cwd: string, command: string[]): void {
    const line = command.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(" ");
    this.tmux(
      "new-session",
      "-d",
      "-s",
      name,
      "-x",
      String(size.columns),
      "-y",
      String(size.rows),
      "-c",
      cwd,
      line,
    );
  }

  /** The pane with its scrollback, as text (or with its escape codes). */
  screen(name: string, escapes = false): string {
    return this.tmux("capture-pane", "-p", "-J", ...(escapes ? ["-e"] : []), "-S", "-5000", "-t", name);
  }

  keys(name: string, ...keys: string[]): void {
    this.tmux("send-keys", "-t", name, ...keys);
  }

  /** Types text literally (no key names). */
  type(name: string, literal: string): void {
    this.tmux("send-keys", "-t", name, "-l", literal);
  }

  async waitFor(name: string, expected: string | RegExp, timeout = 30_000): Promise<string> {
    let last = "";
    await vi
      .waitFor(
        () => {
          last = this.screen(name);
          if (typeof expected === "string") expect(last).toContain(expected);
          else expect(last).toMatch(expected);
        },
        { timeout, interval: 25 },
      )
      .catch((err: Error) => {
        throw new Error(`the terminal never showed ${String(expected)}:\n${last}`, { cause: err });
      });
    return last;
  }

  /** Waits (bounded) for the command in `name` to exit, and returns its exit status. */
  async exitCode(name: string, timeout = 30_000): Promise<number> {
    await vi.waitFor(
      () => expect(this.tmux("display-message", "-p", "-t", name, "#{pane_dead}").trim()).toBe("1"),
      { timeout, interval: 25 },
    );
    // A process ended by a signal reads as a shell reports it: 128 + the signal's number.
    const signal = Number(this.tmux("display-message", "-p", "-t", name, "#{pane_dead_signal}").trim());
    if (signal > 0) return 128 + signal;
    return Number(this.tmux("display-message", "-p", "-t", name, "#{pane_dead_status}").trim());
  }

  /** Waits (bounded) for the command in `name` to exit. */
  async waitForExit(name: string, timeout = 30_000): Promise<void> {
    await this.exitCode(name, timeout);
  }

  kill(): void {
    spawnSync("tmux", ["-S", this.#socket, "kill-server"], { env: this.env });
  }
}

/** `env K=V …` arguments that give a command in tmux exactly this environment. */
export function envArgs(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`);
}
