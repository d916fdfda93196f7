import { z } from "zod";

const sandboxMode = z.enum(["read-only", "workspace-write", "danger-full-access"]);
const approvalPolicy = z.enum(["untrusted", "on-failure", "on-request", "never"]);
const reasoningEffort = z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]);
const reasoningSummary = z.enum(["auto", "concise", "detailed", "none"]);
const verbosity = z.enum(["low", "medium", "high"]);
const stringMap = z.record(z.string(), z.string());

export const providerSchema = z
  .object({
    name: z.string().optional(),
    base_url: z
      .string()
      .url({ message: "base_url must be a URL such as http://127.0.0.1:8080/v1" })
      .optional(),
    env_key: z.string().optional(),
    env_key_instructions: z.string().optional(),
    wire_api: z.enum(["responses", "chat"]).optional(),
    query_params: stringMap.optional(),
    http_headers: stringMap.optional(),
    env_http_headers: stringMap.optional(),
    request_max_retries: z.number().int().min(0).max(100).optional(),
    stream_max_retries: z.number().int().min(0).max(100).optional(),
    stream_idle_timeout_ms: z.number().int().positive().optional(),
    supports_remote_compaction: z.boolean().optional(),
  })
  .strict();

export const mcpServerSchema = z
  .object({
    command: z.string().optional(),
    args: z.array(z.string()).optional(),
    env: stringMap.optional(),
    env_vars: z.array(z.string()).optional(),
    cwd: z.string().optional(),
    url: z.string().optional(),
    bearer_token_env_var: z.string().optional(),
    http_headers: stringMap.optional(),
    env_http_headers: stringMap.optional(),
    enabled: z.boolean().optional(),
    required: z.boolean().optional(),
    startup_timeout_sec: z.number().positive().optional(),
    tool_timeout_sec: z.number().positive().optional(),
    enabled_tools: z.array(z.string()).optional(),
    disabled_tools: z.array(z.string()).optional(),
    supports_parallel_tool_calls: z.boolean().optional(),
  })
  .strict();

/** `[models."<slug>"]` (or `[models."<provider>:<slug>"]`): what nightshift assumes about a model. */
export const modelTableSchema = z
  .object({
    context_window: z.number().int().positive().optional(),
    max_output_tokens: z.number().int().positive().optional(),
    input_price_per_million: z.number().nonnegative().optional(),
    cached_input_price_per_million: z.number().nonnegative().optional(),
    output_price_per_million: z.number().nonnegative().optional(),
    /** Takes reasoning parameters and returns encrypted reasoning (Responses wire). */
    reasoning: z.boolean().optional(),
  })
  .strict();

/** A model entry: "<model>" (the session's provider) or "<provider>:<model>". */
const modelEntry = z.string().trim().min(1, "a model entry cannot be empty");

/** `[run]`: the models of `nightshift run`, one per role. */
export const runTableSchema = z
  .object({
    model: modelEntry.optional(),
    plan_model: modelEntry.optional(),
    review_model: modelEntry.optional(),
    compact_model: modelEntry.optional(),
    fallback_models: z.array(modelEntry).max(8).optional(),
  })
  .strict();

/** Keys that may appear at the top level and inside a profile. */
const settingsShape = {
  model: z.string().min(1).optional(),
  model_provider: z.string().optional(),
  approval_policy: approvalPolicy.optional(),
  sandbox_mode: sandboxMode.optional(),
  model_reasoning_effort: reasoningEffort.optional(),
  model_reasoning_summary: reasoningSummary.optional(),
  model_verbosity: verbosity.optional(),
  model_context_window: z.number().int().positive().optional(),
  model_max_output_tokens: z.number().int().positive().optional(),
  model_auto_compact_token_limit: z.number().int().positive().optional(),
  tool_output_token_limit: z.number().int().positive().optional(),
  developer_instructions: z.string().optional(),
  model_instructions_file: z.string().optional(),
  compact_prompt: z.string().optional(),
  oss_provider: z.enum(["ollama", "lmstudio"]).optional(),
  show_raw_agent_reasoning: z.boolean().optional(),
  model_input_price_per_million: z.number().nonnegative().optional(),
  model_cached_input_price_per_million: z.number().nonnegative().optional(),
  model_output_price_per_million: z.number().nonnegative().optional(),
  /** Models the turn continues on when the current one fails in a way retries cannot fix. */
  fallback_models: z.array(modelEntry).max(8).optional(),
  /** The model that writes compaction summaries (default: the session's model). */
  compact_model: modelEntry.optional(),
  /** Whether the model takes images, when the catalogue does not know it (or knows it wrong). */
  model_supports_images: z.boolean().optional(),
  /** The provider's hosted web search: off, from the provider's cache, or live pages. */
  web_search: z.enum(["disabled", "cached", "live"]).optional(),
};

export const profileSchema = z.object(settingsShape).strict();

export const configSchema = z
  .object({
    ...settingsShape,
    profile: z.string().optional(),
    profiles: z.record(z.string(), profileSchema).optional(),
    model_providers: z.record(z.string(), providerSchema).optional(),
    sandbox_workspace_write: z
      .object({
        writable_roots: z.array(z.string()).optional(),
        network_access: z.boolean().optional(),
        exclude_tmpdir_env_var: z.boolean().optional(),
        exclude_slash_tmp: z.boolean().optional(),
      })
      .strict()
      .optional(),
    project_doc_max_bytes: z.number().int().nonnegative().optional(),
    project_doc_fallback_filenames: z.array(z.string()).optional(),
    project_root_markers: z.array(z.string()).optional(),
    mcp_servers: z.record(z.string(), mcpServerSchema).optional(),
    /** How long the first request waits for MCP servers that are not `required` (default 2). */
    mcp_startup_grace_sec: z.number().nonnegative().optional(),
    shell_environment_policy: z
      .object({
        inherit: z.enum(["all", "core", "none"]).optional(),
        ignore_default_excludes: z.boolean().optional(),
        exclude: z.array(z.string()).optional(),
        set: stringMap.optional(),
        include_only: z.array(z.string()).optional(),
        /** Codex's: run commands through the user's login profile (nightshift's `bash -lc` does). */
        experimental_use_profile: z.boolean().optional(),
      })
      .strict()
      .optional(),
    history: z.record(z.string(), z.unknown()).optional(),
    tui: z.record(z.string(), z.unknown()).optional(),
    notify: z.array(z.string()).optional(),
    models: z.record(z.string(), modelTableSchema).optional(),
    run: runTableSchema.optional(),
  })
  .strict();

export type ConfigToml = z.infer<typeof configSchema>;
export type ProviderToml = z.infer<typeof providerSchema>;
export type McpServerToml = z.infer<typeof mcpServerSchema>;
export type ModelTableToml = z.infer<typeof modelTableSchema>;
export type RunTableToml = z.infer<typeof runTableSchema>;
