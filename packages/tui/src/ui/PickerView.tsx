import { Box, Text } from "ink";
import type { Picker } from "../controller/controller.js";
import { useTheme } from "./theme.js";

/** Entries of a picker shown at once. */
const ROWS = 10;

export function PickerView({ picker, selected }: { picker: Picker; selected: number }) {
  const { hue } = useTheme();
  const start = Math.max(0, Math.min(selected - ROWS + 1, picker.items.length - ROWS));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={hue("cyan")} paddingX={1}>
      <Text bold>{picker.title}</Text>
      {picker.items.slice(start, start + ROWS).map((item, offset) => {
        const active = start + offset === selected;
        return (
          <Text key={item.value} wrap="truncate-end">
            <Text color={active ? hue("cyan") : undefined} bold={active}>
              {active ? "› " : "  "}
              {start + offset + 1}. {item.label}
            </Text>
            {item.detail ? <Text dimColor>{`  ${item.detail}`}</Text> : null}
          </Text>
        );
      })}
      <Text dimColor>↑↓ move · Enter choose · Esc cancel</Text>
    </Box>
  );
}
