import type { ApprovalRequest } from "@nightshift/core";
import { Box, Text } from "ink";
import { terminalSafe } from "../render/terminal-safe.js";
import { useTheme } from "./theme.js";

/** The keys of an approval, one each. */
export const APPROVAL_KEYS = {
  y: "approved",
  a: "approved_for_session",
  n: "denied",
} as const;

/** The question of an approval, inline where the prompt was. */
export function ApprovalPrompt({ request }: { request: ApprovalRequest }) {
  const { hue } = useTheme();
  const question =
    request.kind === "patch"
      ? "Apply these changes?"
      : request.kind === "mcp"
        ? "Allow this tool call?"
        : "Run this command?";
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={hue("yellow")} paddingX={1}>
      <Text color={hue("yellow")} bold>
        {question}
      </Text>
      <Text bold>{terminalSafe(request.kind === "exec" ? `$ ${request.summary}` : request.summary)}</Text>
      {request.files && request.files.length > 0 ? (
        <Text dimColor>
          files: {terminalSafe(request.files.slice(0, 10).join(", "))}
          {request.files.length > 10 ? ", …" : ""}
        </Text>
      ) : null}
      {request.cwd ? <Text dimColor>in {terminalSafe(request.cwd)}</Text> : null}
      {request.reason ? <Text>reason: {terminalSafe(request.reason)}</Text> : null}
      <Text>
        <Key k="y" /> yes <Key k="a" /> yes, for this session <Key k="n" /> no, tell the model <Key k="esc" />{" "}
        abort the turn
      </Text>
    </Box>
  );
}

function Key({ k }: { k: string }) {
  const { hue } = useTheme();
  return (
    <Text color={hue("cyan")} bold>
      [{k}]
    </Text>
  );
}
