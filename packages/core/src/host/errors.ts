/** A configuration problem (config.toml, `-c`, flags), shown to the user as is. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** A problem found while setting up a session (sandbox, provider, MCP, files), shown to the user as is. */
export class SetupError extends Error {
  override name = "SetupError";
}
