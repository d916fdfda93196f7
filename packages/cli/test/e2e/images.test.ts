import fs from "node:fs";
import path from "node:path";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { Codex } from "@openai/codex-sdk";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

/** A solid image of this size and format, written into the workspace. */
async function image(file: string, width: number, height: number, format: "png" | "jpeg" | "gif" | "webp") {
  const target = path.join(h.workspace, file);
  await sharp({ create: { width, height, channels: 3, background: "#2a6" } })
    [format]()
    .toFile(target);
  return target;
}

/** Width, height and format of a data URL's image. */
async function decoded(url: string) {
  const match = /^data:(image\/[a-z]+);base64,(.+)$/.exec(url);
  expect(match).not.toBeNull();
  const meta = await sharp(Buffer.from(match![2]!, "base64")).metadata();
  return { mime: match![1], width: meta.width, height: meta.height, format: meta.format };
}

describe("images in: -i/--image", () => {
  it("attaches PNG, JPEG, GIF and WebP files to the message as data URLs, scaling large ones down", async () => {
    h = await startHarness(scenario(reply(text("nice pictures"))));
    const small = await image("small.png", 40, 30, "png");
    await image("wide.jpg", 4000, 1500, "jpeg");
    await image("anim.gif", 10, 10, "gif");
    await image("tall.webp", 1000, 3000, "webp");
    const result = await h.run([
      "exec",
      "-i",
      "small.png",
      "--image",
      "wide.jpg,anim.gif",
      "-i",
      "tall.webp",
      "what is this",
    ]);
    expect(result.stderr).not.toContain("error");
    expect(result.code).toBe(0);
    expect(h.server.failures).toEqual([]);

    const message = inputOf(h.server, 0).at(-1);
    expect(message.role).toBe("user");
    expect(message.content.map((part: { type: string }) => part.type)).toEqual([
      "input_image",
      "input_image",
      "input_image",
      "input_image",
      "input_text",
    ]);
    expect(message.content.at(-1).text).toBe("what is this");
    // Within the limits: the file as it is.
    expect(message.content[0].image_url).toBe(
      `data:image/png;base64,${fs.readFileSync(small).toString("base64")}`,
    );
    expect(await decoded(message.content[1].image_url)).toEqual({
      mime: "image/jpeg",
      width: 2048,
      height: 768,
      format: "jpeg",
    });
    expect(await decoded(message.content[2].image_url)).toMatchObject({
      mime: "image/gif",
      width: 10,
      height: 10,
    });
    expect(await decoded(message.content[3].image_url)).toEqual({
      mime: "image/webp",
      width: 683,
      height: 2048,
      format: "webp",
    });
  });

  it("refuses a file that is not an image, or is too large, before any request", async () => {
    h = await startHarness(scenario(reply(text("never"))));
    fs.writeFileSync(path.join(h.workspace, "notes.png"), "just text, named like an image");
    const notImage = await h.run(["exec", "-i", "notes.png", "hi"]);
    expect(notImage.code).toBe(1);
    expect(notImage.stderr).toContain(
      `nightshift: cannot attach an image: ${path.join(h.workspace, "notes.png")} is not a PNG, JPEG, GIF or WebP image`,
    );

    // A PNG signature, then 60 MB of hole: too large to send, refused without being read.
    const huge = path.join(h.workspace, "huge.png");
    fs.writeFileSync(huge, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    fs.truncateSync(huge, 60 * 1024 * 1024);
    const tooLarge = await h.run(["exec", "--json", "-i", "huge.png", "hi"]);
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.stderr).toContain("huge.png is 60.0 MB; images up to 50.0 MB are accepted");
    expect(h.jsonEvents(tooLarge).at(-1)).toMatchObject({ type: "error" });

    const missing = await h.run(["exec", "-i", "nowhere.png", "hi"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nowhere.png does not exist");
    expect(h.server.requests).toHaveLength(0);
  });

  it("gives a model without image input a clear error before any request", async () => {
    h = await startHarness(scenario(reply(text("seen"))), { model: "qwen3-coder" });
    await image("shot.png", 20, 20, "png");
    const refused = await h.run(["exec", "-i", "shot.png", "look"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("model qwen3-coder does not take images");
    expect(refused.stderr).toContain("model_supports_images = true");
    expect(h.server.requests).toHaveLength(0);

    // The user knows better than the catalogue.
    const allowed = await h.run(["exec", "-c", "model_supports_images=true", "-i", "shot.png", "look"]);
    expect(allowed.code).toBe(0);
    expect(inputOf(h.server, 0).at(-1).content[0].type).toBe("input_image");
  });

  it("works with the Codex SDK, which passes --image after resume", async () => {
    h = await startHarness(scenario(reply(text("first")), reply(text("saw it"))));
    const shot = await image("shot.png", 20, 20, "png");
    const codex = new Codex({
      codexPathOverride: BIN,
      env: Object.fromEntries(Object.entries(h.env).filter(([, value]) => value !== undefined)) as Record<
        string,
        string
      >,
    });
    const options = { workingDirectory: h.workspace, skipGitRepoCheck: true };
    const thread = codex.startThread(options);
    expect((await thread.run("hello")).finalResponse).toBe("first");
    const resumed = codex.resumeThread(thread.id!, options);
    const turn = await resumed.run([
      { type: "text", text: "what is in this picture?" },
      { type: "local_image", path: shot },
    ]);
    expect(turn.finalResponse).toBe("saw it");
    expect(h.server.failures).toEqual([]);
    const message = inputOf(h.server, 1).at(-1);
    expect(message.content.map((part: { type: string }) => part.type)).toEqual(["input_image", "input_text"]);
    expect(message.content[0].image_url).toBe(
      `data:image/png;base64,${fs.readFileSync(shot).toString("base64")}`,
    );
  });
});

describe("view_image", () => {
  it("shows the model an image of the workspace, in the function output, without filling the context", async () => {
    h = await startHarness(
      scenario(
        reply(functionCall("view_image", { path: "noise.png" }, "v1")),
        reply(functionCall("view_image", { path: "/proc/self/environ" }, "v2")),
        reply(functionCall("view_image", { path: "README.md" }, "v3")),
        reply(functionCall("view_image", { path: "link.png" }, "v4")),
        reply(text("looked")),
      ),
    );
    // Noise compresses badly: megabytes of data URL, about 1,500 tokens for the provider.
    await sharp({
      create: {
        width: 2048,
        height: 768,
        channels: 3,
        background: "#000",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    })
      .png()
      .toFile(path.join(h.workspace, "noise.png"));
    fs.writeFileSync(path.join(h.workspace, "README.md"), "# text\n");
    // A hostile link named like an image: refused on what was opened, not on the name.
    fs.symlinkSync("/proc/self/environ", path.join(h.workspace, "link.png"));
    const result = await h.run(["exec", "--json", "look at noise.png"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);

    const tools = h.server.requests[0]!.body!.tools.map((tool: { name?: string; type: string }) => tool.name);
    expect(tools.indexOf("view_image")).toBe(tools.indexOf("apply_patch") + 1);
    const output = inputOf(h.server, 1).at(-1);
    expect(output.type).toBe("function_call_output");
    expect(output.call_id).toBe("v1");
    expect(output.output).toHaveLength(1);
    expect(output.output[0].type).toBe("input_image");
    expect(output.output[0].image_url.length).toBeGreaterThan(1_000_000);
    expect(await decoded(output.output[0].image_url)).toMatchObject({
      width: 2048,
      height: 768,
      format: "png",
    });

    // The same read restrictions as read_file: no process entries under /proc, no text files as images.
    expect(inputOf(h.server, 2).at(-1).output).toContain("Refusing to read /proc/self/environ");
    expect(inputOf(h.server, 3).at(-1).output).toContain("README.md is not a PNG, JPEG, GIF or WebP image");
    expect(inputOf(h.server, 4).at(-1).output).toContain("Refusing to read");
    expect(inputOf(h.server, 4).at(-1).output).toContain("link.png");
    // The image counted as an image, not as megabytes of text: no compaction.
    expect(h.jsonEvents(result).some((event) => event.item?.type === "context_compaction")).toBe(false);
    expect(h.server.requests.every((request) => !request.path.endsWith("/compact"))).toBe(true);
  });

  it("is not offered to a model without image input", async () => {
    h = await startHarness(scenario(reply(text("ok"))), { model: "qwen3-coder" });
    expect((await h.run(["exec", "hi"])).code).toBe(0);
    const tools = h.server.requests[0]!.body!.tools.map((tool: { name?: string }) => tool.name);
    expect(tools).not.toContain("view_image");
  });
});
