import {
  ConfigError,
  type ListedModel,
  listConfiguredModels,
  nightshiftHome,
  type ProviderListing,
  SetupError,
} from "@nightshift/core";
import { terminalSafe } from "../exec/terminal-text.js";

export type ModelsOptions = {
  config: string[];
  profile?: string;
  provider?: string;
  oss?: boolean;
  localProvider?: string;
  json?: boolean;
  offline?: boolean;
  strictConfig?: boolean;
};

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv };

/**
 * `nightshift models`: the configured providers' models with context window, prices (dollars per
 * million tokens) and capabilities, from the catalogue, each provider's `/v1/models` and config.
 */
export async function runModelsCommand(options: ModelsOptions, io: Io): Promise<number> {
  let providers: ProviderListing[];
  try {
    const listing = await listConfiguredModels(
      {
        config: options.config,
        profile: options.profile,
        oss: options.oss,
        localProvider: options.localProvider,
        strictConfig: options.strictConfig,
      },
      { home: nightshiftHome(io.env), env: io.env, online: !options.offline },
    );
    for (const warning of listing.warnings) io.stderr.write(`nightshift: warning: ${warning}\n`);
    providers = listing.providers;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SetupError) {
      io.stderr.write(`nightshift: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (options.provider) {
    providers = providers.filter((p) => p.id === options.provider);
    if (providers.length === 0) {
      io.stderr.write(`nightshift: no configured provider "${options.provider}"\n`);
      return 1;
    }
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ providers }, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(providers.map(providerText).join("\n"));
  return 0;
}

function providerText(provider: ProviderListing): string {
  const where = provider.baseUrl ? ` ${provider.baseUrl} (${provider.wireApi})` : "";
  const listing =
    provider.listing === "listed"
      ? "models from /v1/models, the catalogue and config"
      : provider.listing === "failed"
        ? `no /v1/models (${provider.problem}); models from the catalogue and config`
        : provider.problem
          ? `not asked: ${provider.problem}`
          : "not asked (--offline); models from the catalogue and config";
  const rows = provider.models.map(modelRow);
  const header = ["MODEL", "CONTEXT", "IN $/M", "CACHED $/M", "OUT $/M", "CAPABILITIES", "USED AS"];
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) =>
    row
      .map((cell, i) => (i === 1 || (i >= 2 && i <= 4) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
  return `${terminalSafe(`${provider.id}:${where} — ${listing}`)}\n${rows.length ? lines.map((line) => `  ${terminalSafe(line)}`).join("\n") : "  (no models)"}\n`;
}

function modelRow(model: ListedModel): string[] {
  const price = (n: number | undefined) => (n === undefined ? "?" : n.toFixed(n < 0.1 && n > 0 ? 3 : 2));
  const capabilities = [
    model.reasoning ? "reasoning" : "",
    model.parallelToolCalls ? "parallel tools" : "",
    model.applyPatch === "freeform" ? "freeform patch" : "",
    model.known ? "" : "not in catalogue",
  ].filter(Boolean);
  return [
    model.model,
    model.contextWindow.toLocaleString("en-US"),
    price(model.prices?.input),
    price(model.prices?.cachedInput),
    price(model.prices?.output),
    capabilities.join(", ") || "-",
    model.roles.join(", ") || "-",
  ];
}
