import fs from "node:fs";
import path from "node:path";
import type { AgentEvent, ApprovalCallback } from "@nightshift/core";
import { ConfigError, loadConfigToml, nightshiftHome } from "../config/load.js";
import { resolveRuntimeConfig } from "../config/resolve.js";
import { attachMcp } from "../mcp/attach.js";
import { createAgentSession, findSessionFile, SetupError } from "../session-factory.js";
import type { ExecIo, ExecOptions } from "./exec-options.js";
import { HumanPrinter } from "./human-printer.js";
import { JsonEventPrinter } from "./json-printer.js";
import { resolvePrompt } from "./prompt.js";

/** `exec` never blocks on a human: every approval it would need is denied and the model is told. */
const denyAll: ApprovalCallback = async () => "denied";

/** Runs one turn of `nightshift exec` and returns the process exit status. */
export async function runExecCommand(options: ExecOptions, io: ExecIo): Promise<number> {
  const fail = (message: string) => {
    if (options.json) io.stdout.write(`${JSON.stringify({ type: "error", message })}\n`);
    io.stderr.write(`nightshift: ${message}\n`);
    return 1;
  };
  try {
    const cwd = path.resolve(io.cwd, options.cd ?? ".");
    if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) return fail(`--cd ${cwd} is not a directory`);
    const home = nightshiftHome(io.env);
    const toml = loadConfigToml(home, options.config ?? []);
    const runtime = resolveRuntimeConfig(
      toml,
      {
        model: options.model,
        profile: options.profile,
        sandbox: options.dangerouslyBypassApprovalsAndSandbox
          ? "danger-full-access"
          : (options.sandbox ?? (options.fullAuto ? "workspace-write" : undefined)),
        approvalPolicy:
          options.askForApproval ??
          (options.dangerouslyBypassApprovalsAndSandbox
            ? "never"
            : options.fullAuto
              ? "on-request"
              : "never"),
        cwd,
        oss: options.oss,
        localProvider: options.localProvider,
      },
      io.env,
    );
    const outputSchema = options.outputSchema ? readOutputSchema(options.outputSchema, io.cwd) : undefined;
    const resumePath = options.resume ? findSessionFile(home, options.resume) : undefined;
    const prompt = await resolvePrompt(options.prompt, io.stdin, (line) => io.stderr.write(`${line}\n`));

    if (options.oss) {
      const { ensureOssReady, streamReporter } = await import("../oss/ready.js");
      await ensureOssReady(runtime, streamReporter(io.stderr as NodeJS.WriteStream));
    }
    const mcp = await attachMcp(runtime, io.env);
    const session = await createAgentSession({
      runtime,
      home,
      env: io.env,
      resumePath,
      approve: denyAll,
      outputSchema,
      extraTools: mcp.initialTools,
      extraHooks: [mcp.hooks],
    }).catch(async (err: unknown) => {
      await mcp.close();
      throw err;
    });
    session.warnings.push(...mcp.warnings);
    const controller = new AbortController();
    const onSigint = () => controller.abort(new Error("interrupted"));
    process.once("SIGINT", onSigint);

    const json = new JsonEventPrinter((line) => io.stdout.write(line));
    const human = new HumanPrinter((text) => io.stderr.write(text), {
      showReasoning: runtime.settings.show_raw_agent_reasoning ?? Boolean(options.oss),
    });
    const print = (event: AgentEvent) => (options.json ? json.handle(event) : human.handle(event));

    print({
      type: "session_configured",
      sessionId: session.agent.sessionId,
      model: runtime.model,
      rolloutPath: session.rolloutPath,
      resumed: session.resumed,
      cwd,
    });
    for (const warning of session.warnings) print({ type: "warning", message: warning });

    let lastMessage: string | null = null;
    let failed = false;
    try {
      if (options.compact) {
        for await (const event of session.compact(controller.signal)) print(event);
      }
      for await (const event of session.agent.runTurn(prompt, controller.signal)) {
        print(event);
        if (event.type === "turn_completed") lastMessage = event.lastAgentMessage;
        if (event.type === "turn_failed") failed = true;
      }
    } finally {
      process.off("SIGINT", onSigint);
      await session.close();
      await mcp.close();
    }
    if (!options.json && session.summary) io.stderr.write(`${session.summary()}\n`);
    if (options.outputLastMessage)
      fs.writeFileSync(path.resolve(io.cwd, options.outputLastMessage), lastMessage ?? "");
    if (!options.json && lastMessage !== null) io.stdout.write(`${lastMessage}\n`);
    if (controller.signal.aborted) return 130;
    return failed ? 1 : 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SetupError) return fail(err.message);
    throw err;
  }
}

function readOutputSchema(file: string, cwd: string): Record<string, unknown> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch (err) {
    throw new ConfigError(`--output-schema: cannot read ${full}: ${(err as Error).message}`);
  }
  try {
    const schema = JSON.parse(text) as unknown;
    if (typeof schema !== "object" || schema === null || Array.isArray(schema))
      throw new Error("not a JSON object");
    return schema as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`--output-schema: ${full} is not a JSON Schema object (${(err as Error).message})`);
  }
}
