import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Seals webhook secrets at rest: AES-256-GCM with a master key kept in a file beside the database
 * (mode 0600), so a copy of the database alone does not give away the secrets that sign webhooks.
 * API keys themselves are only ever stored as hashes.
 */
export type SecretBox = { seal(plain: string): string; open(sealed: string): string };

export function fileSecretBox(keyFile: string): SecretBox {
  let key: Buffer;
  try {
    key = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    key = randomBytes(32);
    try {
      fs.writeFileSync(keyFile, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== "EEXIST") throw raced;
      key = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64");
    }
  }
  if (key.length !== 32)
    throw new Error(`${keyFile} does not hold a 32-byte key; remove it only if no key was made yet`);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
    },
    open(sealed) {
      const raw = Buffer.from(sealed.replace(/^v1\./, ""), "base64");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}
