import { Box, Text } from "ink";
import { memo, useMemo } from "react";
import { type MdLine, renderMarkdown } from "../render/markdown.js";
import { useTheme } from "./theme.js";

/** Rendered Markdown lines; `maxLines` keeps only the last ones (a message still streaming). */
export const Markdown = memo(function Markdown({ source, maxLines }: { source: string; maxLines?: number }) {
  const theme = useTheme();
  const lines = useMemo(() => renderMarkdown(source, theme.paint, theme.highlight), [source, theme]);
  return <MdLines lines={maxLines === undefined ? lines : lines.slice(-maxLines)} />;
});

export function MdLines({ lines }: { lines: MdLine[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their place
        <Box key={index} flexDirection="row">
          {line.gutter === "" ? null : (
            <Box flexShrink={0}>
              <Text>{line.gutter}</Text>
            </Box>
          )}
          <Text>{line.text === "" ? " " : line.text}</Text>
        </Box>
      ))}
    </Box>
  );
}
