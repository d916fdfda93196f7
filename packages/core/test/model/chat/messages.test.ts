import { describe, expect, it } from "vitest";
import {
  ChatMessageMapper,
  developerMessage,
  type ResponseItem,
  userMessage,
} from "../../helpers/internals.js";

const mapper = () => new ChatMessageMapper({ reasoningEcho: "reasoning_content" });
const parse = (json: string[]) => json.map((text) => JSON.parse(text));

const assistant = (text: string): ResponseItem => ({
  type: "message",
  role: "assistant",
  content: [{ type: "output_text", text }],
});
const thought = (text: string): ResponseItem => ({
  type: "reasoning",
  summary: [],
  content: [{ type: "reasoning_text", text }],
});
const call = (id: string, name: string, args: string): ResponseItem => ({
  type: "function_call",
  name,
  arguments: args,
  call_id: id,
});
const output = (id: string, text: string): ResponseItem => ({
  type: "function_call_output",
  call_id: id,
  output: text,
});

describe("ChatMessageMapper", () => {
  it("puts instructions and the leading developer messages in one system message", () => {
    const input = [developerMessage(["<permissions>a</permissions>", "extra"]), userMessage("hi")];
    expect(parse(mapper().map("You are nightshift.", input))).toEqual([
      { role: "system", content: "You are nightshift.\n\n<permissions>a</permissions>\n\nextra" },
      { role: "user", content: "hi" },
    ]);
  });

  it("merges reasoning, text and tool calls of one response into one assistant message", () => {
    const input = [
      userMessage("list"),
      thought("I should run ls"),
      assistant("Listing."),
      call("c1", "shell", '{"command":["ls"]}'),
      call("c2", "shell", '{"command":["pwd"]}'),
      output("c1", "a.txt"),
      output("c2", "/w"),
      developerMessage(["<settings changed/>"]),
      assistant("Done."),
    ];
    expect(parse(mapper().map("", input))).toEqual([
      { role: "user", content: "list" },
      {
        role: "assistant",
        content: "Listing.",
        reasoning_content: "I should run ls",
        tool_calls: [
          { id: "c1", type: "function", function: { name: "shell", arguments: '{"command":["ls"]}' } },
          { id: "c2", type: "function", function: { name: "shell", arguments: '{"command":["pwd"]}' } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "a.txt" },
      { role: "tool", tool_call_id: "c2", content: "/w" },
      { role: "system", content: "<settings changed/>" },
      { role: "assistant", content: "Done." },
    ]);
  });

  it("sends tool-call-only messages with null content and echoes reasoning under the chosen field", () => {
    const ollama = new ChatMessageMapper({ reasoningEcho: "reasoning" });
    const none = new ChatMessageMapper({ reasoningEcho: "none" });
    const input = [userMessage("go"), thought("think"), call("c1", "shell", "{}"), output("c1", "ok")];
    expect(parse(ollama.map("", input))[1]).toEqual({
      role: "assistant",
      content: null,
      reasoning: "think",
      tool_calls: [{ id: "c1", type: "function", function: { name: "shell", arguments: "{}" } }],
    });
    expect(parse(none.map("", input))[1]).not.toHaveProperty("reasoning");
    expect(parse(none.map("", input))[1]).not.toHaveProperty("reasoning_content");
  });

  it("drops compaction items, lone reasoning and tool outputs whose call is gone", () => {
    const input: ResponseItem[] = [
      output("gone", "orphan"),
      { type: "compaction", encrypted_content: "opaque" },
      userMessage("q"),
      thought("nothing to say"),
      userMessage("again"),
    ];
    expect(parse(mapper().map("", input))).toEqual([
      { role: "user", content: "q" },
      { role: "user", content: "again" },
    ]);
  });

  it("wraps arguments that are not a JSON object, so servers that parse them accept the request", () => {
    const input = [userMessage("x"), call("c1", "shell", '{"command": '), output("c1", "failed to parse")];
    const args = parse(mapper().map("", input))[1].tool_calls[0].function.arguments;
    expect(JSON.parse(args)).toEqual({ unparsable_arguments: '{"command": ' });
  });

  it("maps custom tool calls from a Responses session, and images in user messages", () => {
    const input: ResponseItem[] = [
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "see" },
          { type: "input_image", image_url: "data:image/png;base64,AAAA" },
        ],
      },
      {
        type: "custom_tool_call",
        name: "apply_patch",
        input: "*** Begin Patch\n*** End Patch",
        call_id: "p1",
      },
      { type: "custom_tool_call_output", call_id: "p1", output: "Done" },
    ];
    expect(parse(mapper().map("", input))).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "see" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "p1",
            type: "function",
            function: { name: "apply_patch", arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "p1", content: "Done" },
    ]);
  });

  it("serialises a group once while its items are the same objects", () => {
    const m = mapper();
    const question = userMessage("first");
    expect(m.map("", [question])).toEqual(['{"role":"user","content":"first"}']);
    (question.content[0] as { text: string }).text = "changed in place";
    expect(m.map("", [question])).toEqual(['{"role":"user","content":"first"}']);
    expect(m.map("", [userMessage("changed in place")])).toEqual([
      '{"role":"user","content":"changed in place"}',
    ]);
  });

  it("keeps every request's messages a prefix of the next one's", () => {
    const m = mapper();
    const history: ResponseItem[] = [developerMessage(["dev"]), userMessage("start")];
    let previous = m.map("inst", history);
    for (let step = 0; step < 20; step++) {
      history.push(
        thought(`step ${step}`),
        assistant(`doing ${step}`),
        call(`c${step}`, "shell", `{"n":${step}}`),
      );
      history.push(output(`c${step}`, `out ${step}`));
      if (step % 5 === 4) history.push(userMessage(`more ${step}`));
      const next = m.map("inst", history);
      expect(next.slice(0, previous.length)).toEqual(previous);
      previous = next;
    }
    expect(
      parse(previous)
        .map((message) => message.role)
        .slice(0, 4),
    ).toEqual(["system", "user", "assistant", "tool"]);
  });
});
