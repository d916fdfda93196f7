import { Box, Text, useAnimation } from "ink";
import type { Busy } from "../controller/controller.js";
import type { FooterInfo } from "../state/status.js";
import { useTheme } from "./theme.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** The spinner line while something runs: what, for how long, and how to stop it. */
export function BusyLine({ busy, retry, now }: { busy: Busy; retry: string | null; now: () => number }) {
  const { hue } = useTheme();
  const { frame } = useAnimation({ interval: 100 });
  const seconds = Math.max(0, Math.floor((now() - busy.since) / 1000));
  return (
    <Box flexDirection="column">
      {retry ? <Text color={hue("yellow")}>{retry}</Text> : null}
      <Text>
        <Text color={hue("cyan")}>{FRAMES[frame % FRAMES.length]} </Text>
        <Text bold>{busy.label}</Text>
        <Text dimColor> ({seconds}s · Esc to interrupt)</Text>
      </Text>
    </Box>
  );
}

/** The line under the prompt: model, sandbox, approvals, context left, folder. */
export function Footer({ info, hint }: { info: FooterInfo; hint: string | null }) {
  const { hue } = useTheme();
  if (hint) return <Text color={hue("yellow")}>{hint}</Text>;
  const context = info.contextLeft === null ? "" : ` · ${info.contextLeft}% context left`;
  return (
    <Text dimColor wrap="truncate-end">
      {info.model}
      {info.effort ? ` ${info.effort}` : ""} · {info.sandbox} · approvals {info.approvals}
      {context} · {info.cwd}
    </Text>
  );
}
