import path from "node:path";
import { describe, expect, it } from "vitest";
import { isPathInside } from "../../src/util/paths.js";

describe("isPathInside", () => {
  it("knows inside from outside, including names that start with two dots", () => {
    expect(isPathInside("/a/b", "/a/b")).toBe(true);
    expect(isPathInside("/a/b/c/d", "/a/b")).toBe(true);
    expect(isPathInside("/a/b/..x", "/a/b")).toBe(true);
    expect(isPathInside("/a/b/..", "/a/b")).toBe(false);
    expect(isPathInside("/a/x", "/a/b")).toBe(false);
    expect(isPathInside("/a/bc", "/a/b")).toBe(false);
    expect(isPathInside("/", "/a")).toBe(false);
    expect(isPathInside(path.join("/a/b", "..", "c"), "/a/b")).toBe(false);
  });
});
