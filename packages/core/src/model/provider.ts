/** A model provider after configuration is resolved: everything the wire clients need. */
export type ProviderInfo = {
  id: string;
  name: string;
  /** e.g. "https://api.openai.com/v1" (no trailing slash). */
  baseUrl: string;
  wireApi: "responses" | "chat";
  apiKey?: string;
  /** Extra headers (already resolved from env where configured). */
  headers: Record<string, string>;
  queryParams: Record<string, string>;
  requestMaxRetries: number;
  streamMaxRetries: number;
  streamIdleTimeoutMs: number;
  /** Whether `/responses/compact` exists (OpenAI and Azure). */
  supportsRemoteCompaction: boolean;
  /** Azure Responses endpoints need `store: true`. */
  isAzure: boolean;
};

export const DEFAULT_REQUEST_MAX_RETRIES = 4;
export const DEFAULT_STREAM_MAX_RETRIES = 5;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

export function providerUrl(provider: ProviderInfo, path: string): string {
  const url = new URL(`${provider.baseUrl.replace(/\/+$/, "")}${path}`);
  for (const key of Object.keys(provider.queryParams).sort())
    url.searchParams.set(key, provider.queryParams[key]!);
  return url.toString();
}
