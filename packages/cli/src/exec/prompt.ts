import { ConfigError } from "@nightshift/core";

/**
 * The prompt comes from the argument, or from stdin when the argument is "-" or absent.
 * Piped stdin next to an argument is appended as a `<stdin>` block.
 */
export async function resolvePrompt(
  arg: string | undefined,
  stdin: NodeJS.ReadStream | (NodeJS.ReadableStream & { isTTY?: boolean }),
): Promise<string> {
  const piped = !stdin.isTTY;
  if (arg !== undefined && arg !== "-") {
    if (!piped) return arg;
    const extra = await readAll(stdin);
    return extra.trim() ? `${arg}\n\n<stdin>\n${extra.replace(/\n$/, "")}\n</stdin>` : arg;
  }
  if (!piped) {
    throw new ConfigError(
      'no prompt given: pass it as an argument (nightshift exec "fix the tests") or pipe it on stdin',
    );
  }
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
