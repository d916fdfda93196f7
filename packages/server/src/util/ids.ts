import { randomBytes } from "node:crypto";

/** An object id like OpenAI's: a prefix and 24 random lowercase letters and digits. */
export function newId(prefix: string): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  const bytes = randomBytes(24);
  let id = "";
  for (const byte of bytes) id += alphabet[byte % 36];
  return `${prefix}_${id}`;
}
