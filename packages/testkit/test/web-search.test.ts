import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeModelServer,
  reply,
  scenario,
  startFakeModelServer,
  text,
  validateScenario,
  webSearchCall,
} from "../src/index.js";
import { post, responsesBody, sseJson, userItem } from "./helpers.js";

let server: FakeModelServer;
afterEach(async () => {
  await server?.close();
});

describe("web_search_call items", () => {
  it("streams a hosted web search with the Responses API's event sequence", async () => {
    server = await startFakeModelServer({
      scenario: scenario(
        reply(
          webSearchCall("fake model server"),
          webSearchCall("", { action: { type: "open_page", url: "https://example.com/" } }),
          text("found"),
        ),
      ),
    });
    const res = await post(server, "/v1/responses", responsesBody([userItem("search")]));
    expect(res.status).toBe(200);
    const events = sseJson(await res.text());
    const search = events.slice(2, 7);
    expect(search.map((e) => e.type)).toEqual([
      "response.output_item.added",
      "response.web_search_call.in_progress",
      "response.web_search_call.searching",
      "response.web_search_call.completed",
      "response.output_item.done",
    ]);
    expect(search[0]!.item).toEqual({ id: "ws_fake_000001", type: "web_search_call", status: "in_progress" });
    expect(search[1]).toMatchObject({ item_id: "ws_fake_000001", output_index: 0 });
    expect(search[4]!.item).toEqual({
      id: "ws_fake_000001",
      type: "web_search_call",
      status: "completed",
      action: { type: "search", query: "fake model server" },
    });
    const completed = events.at(-1)!;
    expect(completed.type).toBe("response.completed");
    expect(completed.response.output.map((item: { type: string }) => item.type)).toEqual([
      "web_search_call",
      "web_search_call",
      "message",
    ]);
    expect(completed.response.output[1].action).toEqual({ type: "open_page", url: "https://example.com/" });
  });

  it("leaves searches out of Chat Completions, which has no such item", async () => {
    server = await startFakeModelServer({ scenario: scenario(reply(webSearchCall("q"), text("plain"))) });
    const res = await post(server, "/v1/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const chunks = sseJson((await res.text()).replace("data: [DONE]\n\n", ""));
    const content = chunks.flatMap((c) => (c.choices.length > 0 ? [c.choices[0].delta.content ?? ""] : []));
    expect(content.join("")).toBe("plain");
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("stop");
  });

  it("accepts web_search_call in JSON scenarios", () => {
    expect(
      validateScenario({ steps: [{ response: { output: [{ type: "web_search_call", query: "q" }] } }] }),
    ).toEqual([]);
  });
});
