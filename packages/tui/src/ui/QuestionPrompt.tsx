import type { UserInputRequest } from "@nightshift/core";
import { Box, Text } from "ink";
import { terminalSafe } from "../render/terminal-safe.js";
import { useTheme } from "./theme.js";

/** A question of the model's, above the prompt where the answer is typed. */
export function QuestionPrompt({ question }: { question: UserInputRequest }) {
  const { hue } = useTheme();
  const choices = question.choices ?? [];
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={hue("cyan")} paddingX={1}>
      <Text color={hue("cyan")} bold>
        The agent asks:
      </Text>
      <Text bold>{terminalSafe(question.question)}</Text>
      {choices.map((choice, index) => (
        <Text key={choice}>
          <Text color={hue("cyan")} bold>
            [{index + 1}]
          </Text>{" "}
          {terminalSafe(choice)}
        </Text>
      ))}
      <Text dimColor>
        {choices.length > 0 ? "A number chooses; or type" : "Type"} your answer and press Enter · Esc: let the
        agent decide
      </Text>
    </Box>
  );
}
