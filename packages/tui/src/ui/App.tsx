import { Box, type Key, Static, Text, useApp, useInput, usePaste, useWindowSize } from "ink";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { TuiController } from "../controller/controller.js";
import {
  type ComposerState,
  composerAttachImage,
  composerKey,
  composerPaste,
  EMPTY_COMPOSER,
  popupItems,
  popupQuery,
} from "../input/composer.js";
import { imagePathOf } from "../input/pasted-image.js";
import { bufferOf } from "../input/text-buffer.js";
import type { Cell } from "../state/cells.js";
import { APPROVAL_KEYS, ApprovalPrompt } from "./ApprovalPrompt.js";
import { CellView, Lines } from "./CellView.js";
import { ComposerView } from "./ComposerView.js";
import { Markdown } from "./Markdown.js";
import { PickerView } from "./PickerView.js";
import { QuestionPrompt } from "./QuestionPrompt.js";
import { BusyLine, Footer } from "./StatusLine.js";
import { useTheme } from "./theme.js";
import { toolLines } from "./tool-lines.js";

const CTRL_C_HINT = "Press Ctrl-C again to quit";
/** Running tool calls drawn at once (the rest are counted). */
const LIVE_TOOLS = 3;
/** Entries of the `@` popup. */
const MENTION_RESULTS = 8;

/**
 * The whole interface: the finished transcript goes to the scrollback once (<Static>); below it
 * only what still changes is redrawn: the streaming message, running tools, the approval or
 * picker, the prompt and the footer.
 */
export function App({ controller }: { controller: TuiController }) {
  const snap = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  const { paint } = useTheme();

  const composerRef = useRef<ComposerState>(EMPTY_COMPOSER);
  const [composer, setComposerState] = useState<ComposerState>(EMPTY_COMPOSER);
  const setComposer = (next: ComposerState) => {
    composerRef.current = next;
    setComposerState(next);
  };
  const hintRef = useRef<string | null>(null);
  const [hint, setHintState] = useState<string | null>(null);
  const setHint = (next: string | null) => {
    hintRef.current = next;
    setHintState(next);
  };
  const pickerRef = useRef(0);
  const [pickerIndex, setPickerIndexState] = useState(0);
  const setPickerIndex = (next: number) => {
    pickerRef.current = next;
    setPickerIndexState(next);
  };

  const popup = popupQuery(composer);
  const [mentions, setMentions] = useState<string[]>([]);
  const mentionQuery = popup?.kind === "mention" ? popup.query : null;
  useEffect(() => {
    if (mentionQuery === null) return;
    let current = true;
    controller.deps.files.search(mentionQuery, MENTION_RESULTS).then(
      (found) => current && setMentions(found),
      () => current && setMentions([]),
    );
    return () => {
      current = false;
    };
  }, [mentionQuery, controller]);
  const items = popupItems(popup, mentions);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  useEffect(() => {
    if (snap.exitRequested) exit();
  }, [snap.exitRequested, exit]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new picker starts at its own entry
  useEffect(() => {
    setPickerIndex(snap.picker?.initial ?? 0);
  }, [snap.picker]);

  usePaste((text) => {
    const now = controller.getSnapshot();
    if (now.approval || now.picker) return;
    // A pasted (or dropped) image file is attached, not typed.
    const image = now.question ? null : imagePathOf(text, controller.cwd);
    setComposer(
      image ? composerAttachImage(composerRef.current, image) : composerPaste(composerRef.current, text),
    );
  });

  const restoreQueued = (queued: string) => {
    if (queued === "") return;
    const current = composerRef.current.buffer.text;
    setComposer({ ...EMPTY_COMPOSER, buffer: bufferOf(current ? `${queued}\n${current}` : queued) });
  };

  useInput((input: string, key: Key) => {
    const now = controller.getSnapshot();
    const state = composerRef.current;
    if (key.ctrl && input === "c") {
      if (now.approval || now.busy) {
        restoreQueued(controller.interrupt().queued);
        setHint(null);
      } else if (now.picker) controller.closePicker(null);
      else if (state.buffer.text !== "") setComposer(EMPTY_COMPOSER);
      else if (hintRef.current === CTRL_C_HINT) controller.requestExit();
      else return setHint(CTRL_C_HINT);
      return;
    }
    if (hintRef.current) setHint(null);

    if (now.approval) {
      const decision = APPROVAL_KEYS[input.toLowerCase() as keyof typeof APPROVAL_KEYS];
      if (decision) controller.answer(decision);
      else if (key.escape) controller.answer("abort");
      return;
    }
    if (now.question) {
      const choices = now.question.choices ?? [];
      const digit = Number.parseInt(input, 10);
      if (key.escape) return controller.questions.answer(null);
      if (state.buffer.text === "" && input.length === 1 && digit >= 1 && digit <= choices.length)
        return controller.questions.answer(choices[digit - 1]!);
    }
    if (now.picker) {
      const count = now.picker.items.length;
      const digit = Number.parseInt(input, 10);
      if (key.upArrow) setPickerIndex((pickerRef.current + count - 1) % count);
      else if (key.downArrow) setPickerIndex((pickerRef.current + 1) % count);
      else if (key.escape) controller.closePicker(null);
      else if (key.return) controller.closePicker(now.picker.items[pickerRef.current]?.value ?? null);
      else if (digit >= 1 && digit <= count) controller.closePicker(now.picker.items[digit - 1]!.value);
      return;
    }
    const popupOpen = popupQuery(state) !== null && itemsRef.current.length > 0;
    if (key.escape && !popupOpen) {
      if (now.busy) restoreQueued(controller.interrupt().queued);
      return;
    }
    if (key.ctrl && input === "d") {
      if (state.buffer.text === "") controller.requestExit();
      return;
    }
    // Keys typed faster than they are read arrive together: a carriage return in them is Enter.
    const parts = !key.return && input.length > 1 && input.includes("\r") ? input.split(/(\r)/) : [input];
    let next = state;
    for (const part of parts) {
      if (part === "" && parts.length > 1) continue;
      const asKey = part === "\r" && parts.length > 1 ? { ...key, return: true } : key;
      const result = composerKey(next, part === "\r" && parts.length > 1 ? "" : part, asKey, {
        history: controller.deps.history.entries,
        items: now.question ? [] : itemsRef.current,
      });
      next = result.state;
      if (result.effect && now.question) controller.questions.answer(result.effect.text);
      else if (result.effect) controller.submit(result.effect.text, result.effect.images);
    }
    setComposer(next);
  });

  const live = snap.live;
  const shownTools = live.tools.slice(0, LIVE_TOOLS);
  const messageRows = Math.max(3, rows - 10 - shownTools.length * 7 - (live.reasoning ? 3 : 0));
  const width = Math.max(20, columns);

  return (
    <>
      <Static items={snap.cells as Cell[]}>{(cell) => <CellView key={cell.key} cell={cell} />}</Static>
      <Box flexDirection="column" width={width}>
        {live.reasoning ? (
          <Box marginTop={1}>
            <Text dimColor italic wrap="truncate-end">
              {lastLine(live.reasoning)}
            </Text>
          </Box>
        ) : null}
        {live.message ? (
          <Box flexDirection="row" marginTop={1}>
            <Box flexShrink={0} width={2}>
              <Text>•</Text>
            </Box>
            <Markdown source={live.message} maxLines={messageRows} />
          </Box>
        ) : null}
        {shownTools.map((call) => (
          <Box key={call.callId} marginTop={1}>
            <Lines lines={toolLines(call, paint)} />
          </Box>
        ))}
        {live.tools.length > LIVE_TOOLS ? (
          <Text dimColor>… {live.tools.length - LIVE_TOOLS} more running</Text>
        ) : null}
        <Box marginTop={1} flexDirection="column">
          {snap.busy ? <BusyLine busy={snap.busy} retry={snap.retry} now={controller.deps.now} /> : null}
          {snap.queued.slice(0, 3).map((text, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: queued messages may repeat
            <Text key={index} dimColor wrap="truncate-end">
              ↳ queued: {text.split("\n")[0]}
            </Text>
          ))}
        </Box>
        {snap.approval ? (
          <ApprovalPrompt request={snap.approval} />
        ) : snap.question ? (
          <>
            <QuestionPrompt question={snap.question} />
            <ComposerView state={composer} placeholder="Your answer" popup={null} items={[]} width={width} />
          </>
        ) : snap.picker ? (
          <PickerView picker={snap.picker} selected={pickerIndex} />
        ) : (
          <ComposerView
            state={composer}
            placeholder={
              snap.busy ? "Type to queue a message for after this turn" : "Ask nightshift to do anything"
            }
            popup={popup}
            items={items}
            width={width}
          />
        )}
        {snap.footer ? <Footer info={snap.footer} hint={hint} /> : null}
      </Box>
    </>
  );
}

function lastLine(text: string): string {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines.at(-1) ?? "";
}
