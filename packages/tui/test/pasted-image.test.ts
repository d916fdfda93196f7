import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { composerAttachImage, EMPTY_COMPOSER } from "../src/input/composer.js";
import { imagePathOf } from "../src/input/pasted-image.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-paste-"));
const spaced = path.join(dir, "my shot.PNG");
fs.writeFileSync(spaced, "");
fs.writeFileSync(path.join(dir, "notes.txt"), "");
fs.mkdirSync(path.join(dir, "folder.png"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a pasted image path", () => {
  it("is recognised quoted, backslash-escaped, as a file:// URL or relative to the folder", () => {
    expect(imagePathOf(`'${spaced}'`, "/")).toBe(spaced);
    expect(imagePathOf(`"${spaced}"\n`, "/")).toBe(spaced);
    expect(imagePathOf(spaced.replace(/ /g, "\\ "), "/")).toBe(spaced);
    expect(imagePathOf(`file://${encodeURI(spaced)}`, "/")).toBe(spaced);
    expect(imagePathOf("my shot.PNG", dir)).toBe(spaced);
  });

  it("is ordinary text otherwise: other extensions, folders, missing files, several lines", () => {
    expect(imagePathOf(path.join(dir, "notes.txt"), "/")).toBeNull();
    expect(imagePathOf(path.join(dir, "folder.png"), "/")).toBeNull();
    expect(imagePathOf(path.join(dir, "missing.png"), "/")).toBeNull();
    expect(imagePathOf(`${spaced}\n${spaced}`, "/")).toBeNull();
    expect(imagePathOf("", "/")).toBeNull();
  });

  it("shows in the prompt as a numbered placeholder", () => {
    const once = composerAttachImage(EMPTY_COMPOSER, spaced);
    const twice = composerAttachImage(once, spaced);
    expect(twice.buffer.text).toBe("[image 1: my shot.PNG][image 2: my shot.PNG]");
    expect(twice.images.map((image) => image.path)).toEqual([spaced, spaced]);
  });
});
