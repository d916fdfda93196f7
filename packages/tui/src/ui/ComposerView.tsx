import { Box, Text } from "ink";
import { SLASH_COMMANDS } from "../commands/slash-commands.js";
import type { ComposerState, PopupQuery } from "../input/composer.js";
import { useTheme } from "./theme.js";

/** Rows of the prompt shown at most; longer prompts scroll with the cursor. */
const MAX_ROWS = 10;
/** Entries of the popup shown at most. */
const POPUP_ROWS = 8;

/** The prompt with its cursor, and the popup of commands or files under it. */
export function ComposerView(props: {
  state: ComposerState;
  placeholder: string;
  popup: PopupQuery | null;
  items: readonly string[];
  width: number;
}) {
  const { hue } = useTheme();
  const { text, cursor } = props.state.buffer;
  const lines = text.split("\n");
  const before = text.slice(0, cursor);
  const row = before.split("\n").length - 1;
  const col = cursor - (before.lastIndexOf("\n") + 1);
  const first = Math.max(0, Math.min(row - MAX_ROWS + 1, lines.length - MAX_ROWS));
  const shown = lines.slice(first, first + MAX_ROWS);
  return (
    <Box flexDirection="column">
      <Box
        flexDirection="column"
        borderStyle="round"
        borderColor={hue("gray")}
        paddingX={1}
        width={props.width}
      >
        {text === "" ? (
          <Text>
            <Text color={hue("cyan")} bold>
              {"› "}
            </Text>
            <Text inverse> </Text>
            <Text dimColor>{props.placeholder}</Text>
          </Text>
        ) : (
          shown.map((line, index) => {
            const at = first + index;
            const lead = at === 0 ? "› " : "  ";
            if (at !== row)
              return (
                <Text key={at}>
                  <Text color={hue("cyan")} bold>
                    {lead}
                  </Text>
                  {line}
                </Text>
              );
            const char = line.slice(col, col + 1);
            return (
              <Text key={at}>
                <Text color={hue("cyan")} bold>
                  {lead}
                </Text>
                {line.slice(0, col)}
                <Text inverse>{char === "" ? " " : char}</Text>
                {line.slice(col + 1)}
              </Text>
            );
          })
        )}
      </Box>
      {props.popup && props.items.length > 0 ? (
        <Popup query={props.popup} items={props.items} selected={props.state.selected} />
      ) : null}
    </Box>
  );
}

function Popup({
  query,
  items,
  selected,
}: {
  query: PopupQuery;
  items: readonly string[];
  selected: number;
}) {
  const { hue } = useTheme();
  const index = Math.min(selected, items.length - 1);
  const start = Math.max(0, Math.min(index - POPUP_ROWS + 1, items.length - POPUP_ROWS));
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {items.slice(start, start + POPUP_ROWS).map((item, offset) => {
        const active = start + offset === index;
        const description =
          query.kind === "slash"
            ? SLASH_COMMANDS.find((entry) => entry.name === item)?.description
            : undefined;
        return (
          <Text key={item} wrap="truncate-end">
            <Text color={active ? hue("cyan") : undefined} bold={active} inverse={active && !hue("cyan")}>
              {query.kind === "slash" ? `/${item}` : item}
            </Text>
            {description ? <Text dimColor>{`  ${description}`}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
