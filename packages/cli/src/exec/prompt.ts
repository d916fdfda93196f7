import { ConfigError } from "@nightshift/core";

/**
 * The prompt comes from the argument, or from stdin when the argument is "-" or absent.
 * Piped stdin next to an argument is appended as a `<stdin>` block. Reading stdin is said on
 * `notice` (stderr), as Codex does: a pipe left open would otherwise look like a hang.
 */
export async function resolvePrompt(
  arg: string | undefined,
  stdin: NodeJS.ReadStream | (NodeJS.ReadableStream & { isTTY?: boolean }),
  notice: (line: string) => void,
): Promise<string> {
  const piped = !stdin.isTTY;
  if (arg !== undefined && arg !== "-") {
    if (!piped) return arg;
    notice("Reading additional input from stdin...");
    const extra = await readAll(stdin);
    return extra.trim() ? `${arg}\n\n<stdin>\n${extra.replace(/\n$/, "")}\n</stdin>` : arg;
  }
  if (!piped) {
    throw new ConfigError(
      'no prompt given: pass it as an argument (nightshift exec "fix the tests") or pipe it on stdin',
    );
  }
  notice("Reading prompt from stdin...");
  const text = await readAll(stdin);
  if (!text.trim()) throw new ConfigError("the prompt read from stdin is empty");
  return text;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
