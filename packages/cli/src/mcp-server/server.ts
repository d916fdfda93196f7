import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  type AgentEvent,
  ConfigError,
  nightshiftHome,
  type SessionCeiling,
  SetupError,
} from "@nightshift/core";
import { loadConfigToml, resolveRuntimeConfig } from "@nightshift/core/config";
import { z } from "zod";
import { VERSION } from "../version.js";
import { elicitApproval } from "./elicit-approval.js";
import { elicitUserInput } from "./elicit-user-input.js";
import { type OnEvent, Threads, type TurnOutcome } from "./threads.js";

export type McpServerIo = {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
};

const startShape = {
  prompt: z.string().min(1).describe("The task or question for the agent"),
  cwd: z.string().optional().describe("Working directory of the session (default: the server's)"),
  model: z.string().optional().describe("Model to use (default: from config.toml)"),
  profile: z.string().optional().describe("Profile from config.toml"),
  sandbox: z
    .enum(["read-only", "workspace-write", "danger-full-access"])
    .optional()
    .describe("Sandbox for the agent's commands (default: from config.toml, else workspace-write)"),
  "approval-policy": z
    .enum(["untrusted", "on-failure", "on-request", "never"])
    .optional()
    .describe(
      "When the agent asks before acting (default: from config.toml, else on-request); questions arrive as elicitations",
    ),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('config.toml settings for this session, e.g. {"model_reasoning_effort": "high"}'),
  "developer-instructions": z.string().optional().describe("Extra developer instructions for this session"),
};

const replyShape = {
  threadId: z.string().min(1).describe("threadId returned by the nightshift tool"),
  prompt: z.string().min(1).describe("The next message for the agent"),
};

const outputShape = {
  threadId: z.string().describe("Session id: pass it to nightshift-reply to continue"),
  content: z.string().describe("The agent's final message"),
};

/**
 * `nightshift mcp-server`: serves the `nightshift` and `nightshift-reply` tools over stdio until
 * the client closes the connection. Approvals go to the client as elicitations.
 */
export async function runMcpServer(options: { config?: string[] }, io: McpServerIo): Promise<number> {
  const home = nightshiftHome(io.env);
  const overrides = options.config ?? [];
  let ceiling: SessionCeiling;
  try {
    // The operator's configuration is the most any client session gets.
    const operator = resolveRuntimeConfig(loadConfigToml(home, overrides), { cwd: io.cwd }, io.env);
    ceiling = { sandbox: operator.sandbox };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`nightshift mcp-server: ${err.message}\n`);
    return 1;
  }
  const server = new McpServer(
    { name: "nightshift-mcp-server", version: VERSION },
    { capabilities: { logging: {} } },
  );
  const threads = new Threads({
    home,
    env: io.env,
    cwd: io.cwd,
    overrides,
    ceiling,
    approve: (request, signal) => elicitApproval(server.server, request, signal),
    requestUserInput: (request, signal) => elicitUserInput(server.server, request, signal),
  });

  server.registerTool(
    "nightshift",
    {
      title: "nightshift",
      description:
        "Runs a nightshift coding-agent session on a task, to the end of its turn, and returns the agent's final message and a threadId. Continue the same session with nightshift-reply.",
      inputSchema: startShape,
      outputSchema: outputShape,
    },
    async (args, extra) => {
      const onEvent = eventForwarder(server, extra);
      return answer(() =>
        threads.start(
          {
            prompt: args.prompt,
            cwd: args.cwd,
            model: args.model,
            profile: args.profile,
            sandbox: args.sandbox,
            approvalPolicy: args["approval-policy"],
            config: args.config,
            developerInstructions: args["developer-instructions"],
          },
          extra.signal,
          onEvent,
        ),
      );
    },
  );
  server.registerTool(
    "nightshift-reply",
    {
      title: "nightshift reply",
      description:
        "Continues a nightshift session (from the nightshift tool's threadId) with another prompt.",
      inputSchema: replyShape,
      outputSchema: outputShape,
    },
    async (args, extra) =>
      answer(() => threads.reply(args.threadId, args.prompt, extra.signal, eventForwarder(server, extra))),
  );

  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  // The stdio transport does not notice the client going away: end when stdin does.
  const stop = () => void server.close();
  io.stdin.once("end", stop);
  io.stdin.once("close", stop);
  await server.connect(new StdioServerTransport(io.stdin as never, io.stdout as never));
  await closed;
  await threads.closeAll();
  return 0;
}

async function answer(run: () => Promise<TurnOutcome>) {
  try {
    const outcome = await run();
    const structuredContent = { threadId: outcome.threadId, content: outcome.content };
    return {
      content: [{ type: "text" as const, text: outcome.content }],
      structuredContent,
      ...(outcome.failed ? { isError: true } : {}),
    };
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof SetupError)) throw err;
    return { content: [{ type: "text" as const, text: err.message }], isError: true };
  }
}

type Extra = {
  _meta?: { progressToken?: string | number };
  sendNotification: McpServer["server"]["notification"];
};

/** Warnings go out as log messages; with a progress token, the turn's steps as progress. */
function eventForwarder(server: McpServer, extra: Extra): OnEvent {
  const token = extra._meta?.progressToken;
  let progress = 0;
  return (event: AgentEvent) => {
    if (event.type === "warning") {
      server
        .sendLoggingMessage({ level: "warning", logger: "nightshift", data: event.message })
        .catch(() => {});
      return;
    }
    const message = progressMessage(event);
    if (token === undefined || message === null) return;
    progress++;
    extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress, message },
      })
      .catch(() => {});
  };
}

function progressMessage(event: AgentEvent): string | null {
  switch (event.type) {
    case "tool_call_started":
      return `running ${event.name}`;
    case "agent_message":
      return event.text.length > 200 ? `${event.text.slice(0, 199)}…` : event.text;
    case "retry":
      return `retrying: ${event.message}`;
    default:
      return null;
  }
}
