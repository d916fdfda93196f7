import { describe, expect, it } from "vitest";
import { livePlan, originalGoal } from "../../src/context/compaction/history-facts.js";
import { GOAL_PREFIX, PLAN_PREFIX, SUMMARY_PREFIX } from "../../src/context/compaction/prompts.js";
import { truncateItemsToBudget } from "../../src/context/compaction/truncation.js";
import { developerMessage, type ResponseItem, userMessage } from "../../src/model/items.js";

const call = (id: string, args = "{}"): ResponseItem => ({
  type: "function_call",
  name: "shell",
  arguments: args,
  call_id: id,
});
const output = (id: string, text: string): ResponseItem => ({
  type: "function_call_output",
  call_id: id,
  output: text,
});

describe("what compaction keeps", () => {
  it("keeps the newest oversized tool output, cut in the middle, together with its call", () => {
    const items = [userMessage("goal"), call("c1"), output("c1", "x".repeat(100_000))];
    const kept = truncateItemsToBudget(items, 1_000);
    expect(kept.map((item) => item.type)).toEqual(["function_call", "function_call_output"]);
    const text = (kept[1] as { output: string }).output;
    expect(text.length).toBeLessThan(9_000);
    expect(text).toContain("characters cut");
  });

  it("never keeps an output without its call, nor context that is injected afresh", () => {
    const items: ResponseItem[] = [
      developerMessage(["<permissions instructions>…"]),
      userMessage("<environment_context>\n  <cwd>/w</cwd>\n</environment_context>"),
      userMessage(`${PLAN_PREFIX}\n- [pending] a`),
      userMessage(`${SUMMARY_PREFIX}\n\nearlier work`),
      call("c1", "y".repeat(3_000)),
      output("c1", "ok"),
      userMessage("next request"),
    ];
    const kept = truncateItemsToBudget(items, 600);
    expect(kept).toEqual([userMessage("next request")]);
    const roomy = truncateItemsToBudget(items, 10_000);
    expect(
      roomy.map((item) =>
        item.type === "message" ? (item.content[0] as { text: string }).text.slice(0, 12) : item.type,
      ),
    ).toEqual([SUMMARY_PREFIX.slice(0, 12), "function_call", "function_call_output", "next request"]);
  });

  it("finds the original goal across several compactions", () => {
    const afterFirst = [
      userMessage(`${GOAL_PREFIX}\nbuild the parser`),
      userMessage("also fix the flaky test"),
    ];
    expect(originalGoal(afterFirst)).toEqual(userMessage("build the parser"));
    expect(
      originalGoal([userMessage("<environment_context></environment_context>"), userMessage("first ask")]),
    ).toEqual(userMessage("first ask"));
  });

  it("finds the live plan in the last update_plan call, or in an earlier plan note", () => {
    const plan = JSON.stringify({
      plan: [
        { step: "a", status: "completed" },
        { step: "b", status: "in_progress" },
      ],
    });
    expect(livePlan([{ type: "function_call", name: "update_plan", arguments: plan, call_id: "p" }])).toBe(
      "- [completed] a\n- [in_progress] b",
    );
    expect(livePlan([userMessage(`${PLAN_PREFIX}\n- [pending] z`)])).toBe("- [pending] z");
    expect(livePlan([userMessage("no plan here")])).toBeNull();
  });
});
