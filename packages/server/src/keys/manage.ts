import { openStorage } from "../storage/open-storage.js";
import { serverPaths } from "../storage/paths.js";
import { fileSecretBox } from "../storage/secrets.js";
import type { ApiKeyRow } from "../storage/types.js";
import { type CreatedKey, createApiKey } from "./api-keys.js";

/** `nightshift serve keys ...`: the keys in the server's database (the server may be running). */
export async function withKeys<T>(
  home: string,
  db: string | undefined,
  work: (keys: {
    create(name: string): Promise<CreatedKey>;
    list(): Promise<ApiKeyRow[]>;
    revoke(id: string): Promise<boolean>;
  }) => Promise<T>,
): Promise<T> {
  const paths = serverPaths(home, db);
  const { storage } = await openStorage({ home, db });
  try {
    return await work({
      create: (name) => createApiKey(storage, fileSecretBox(paths.secretKey), name, Date.now()),
      list: () => storage.listApiKeys(),
      revoke: (id) => storage.revokeApiKey(id, Date.now()),
    });
  } finally {
    await storage.close();
  }
}
