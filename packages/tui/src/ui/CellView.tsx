import { Box, Text } from "ink";
import { memo } from "react";
import { terminalSafe } from "../render/terminal-safe.js";
import type { Cell } from "../state/cells.js";
import { decisionText } from "../state/transcript.js";
import { Markdown } from "./Markdown.js";
import { useTheme } from "./theme.js";
import { diffLines, toolLines } from "./tool-lines.js";

/** Lines of reasoning summary shown (it is a summary: rarely longer). */
const REASONING_LINES = 8;
/** Lines of /diff shown. */
const DIFF_LINES = 400;

/** Lines of styled text, each wrapping on its own. */
export function Lines({ lines }: { lines: string[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their place
        <Text key={index}>{line === "" ? " " : line}</Text>
      ))}
    </Box>
  );
}

/** One finished cell of the transcript, written once to the scrollback. */
export const CellView = memo(function CellView({ cell }: { cell: Cell }) {
  const { paint: p, hue } = useTheme();
  switch (cell.type) {
    case "header":
      return (
        <Box flexDirection="column" marginBottom={1}>
          <Text>
            <Text bold>nightshift</Text>
            <Text dimColor> v{cell.version}</Text>
            {cell.resumed ? <Text color={hue("cyan")}> · resumed</Text> : null}
          </Text>
          <Text dimColor>
            session {cell.sessionId} · model {cell.model}
          </Text>
          <Text dimColor>{terminalSafe(cell.cwd)}</Text>
          <Text dimColor>
            / for commands · @ to mention a file · ! to run a shell command · Esc to interrupt
          </Text>
        </Box>
      );
    case "user":
      return (
        <Box flexDirection="row" marginTop={1}>
          <Box flexShrink={0}>
            <Text color={hue("cyan")} bold>
              {"› "}
            </Text>
          </Box>
          <Text>{terminalSafe(cell.text)}</Text>
        </Box>
      );
    case "agent":
      return (
        <Box flexDirection="row" marginTop={cell.first || cell.gap ? 1 : 0}>
          <Box flexShrink={0} width={2}>
            <Text>{cell.first ? "•" : " "}</Text>
          </Box>
          <Markdown source={cell.markdown} />
        </Box>
      );
    case "reasoning": {
      const lines = terminalSafe(cell.text)
        .split("\n")
        .filter((line) => line.trim() !== "");
      const shown = lines.slice(0, REASONING_LINES);
      if (lines.length > shown.length) shown.push(`… ${lines.length - shown.length} more lines`);
      return (
        <Box marginTop={1} flexDirection="column">
          {shown.map((line, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their place
            <Text key={index} dimColor italic>
              {line}
            </Text>
          ))}
        </Box>
      );
    }
    case "tool":
      return (
        <Box marginTop={1}>
          <Lines lines={toolLines(cell.call, p)} />
        </Box>
      );
    case "approval": {
      const ok = cell.decision === "approved" || cell.decision === "approved_for_session";
      return (
        <Text>
          <Text color={hue(ok ? "green" : "red")}>{ok ? "✓ " : "✗ "}</Text>
          <Text dimColor>
            {decisionText(cell.decision)}: {terminalSafe(cell.summary)}
          </Text>
        </Text>
      );
    }
    case "notice": {
      const color =
        cell.level === "error" ? hue("red") : cell.level === "warning" ? hue("yellow") : undefined;
      return (
        <Box marginTop={1}>
          <Text color={color} dimColor={cell.level === "info"}>
            {cell.level === "error" ? "■ " : cell.level === "warning" ? "⚠ " : "· "}
            {terminalSafe(cell.text)}
          </Text>
        </Box>
      );
    }
    case "rows": {
      const width = Math.max(...cell.rows.map((row) => row.label.length)) + 2;
      return (
        <Box marginTop={1} flexDirection="column">
          <Text bold>{cell.title}</Text>
          {cell.rows.map((row) => (
            <Box key={row.label} flexDirection="row">
              <Box width={width + 2} flexShrink={0}>
                <Text dimColor>{`  ${row.label}`}</Text>
              </Box>
              <Text>{terminalSafe(row.value)}</Text>
            </Box>
          ))}
        </Box>
      );
    }
    case "diff":
      return (
        <Box marginTop={1} flexDirection="column">
          <Text bold>{cell.title}</Text>
          <Lines lines={diffLines(cell.diff, p, DIFF_LINES)} />
        </Box>
      );
  }
});
