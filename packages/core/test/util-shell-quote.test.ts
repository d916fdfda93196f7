import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { quoteArgv } from "../src/util/shell-quote.js";

describe("quoteArgv", () => {
  it("leaves plain words alone and quotes the rest so the line is unambiguous", () => {
    expect(quoteArgv(["ls", "-la", "src/"])).toBe("ls -la src/");
    expect(quoteArgv(["bash", "-lc", "echo one && rm -rf x"])).toBe("bash -lc 'echo one && rm -rf x'");
    expect(quoteArgv(["echo", "it's"])).toBe("echo 'it'\\''s'");
    expect(quoteArgv(["touch", ""])).toBe("touch ''");
  });

  it("spells out control characters instead of passing them to the terminal", () => {
    expect(quoteArgv(["echo", "safe\r\u001b[2Krm -rf /"])).toBe("echo $'safe\\r\\x1b[2Krm -rf /'");
    expect(quoteArgv(["printf", "a\nb"])).toBe("printf $'a\\nb'");
    expect(quoteArgv(["rm", "safe\u202Ethgir"])).toBe("rm $'safe\\u202ethgir'");
  });

  it("spells out every character that hides text, and bash reads the result back unchanged", () => {
    const words = [
      "line\u2028separator",
      "tag\u{e0041}chars",
      "soft\u00adhyphen",
      "c1\u0085next-line",
      "zero\u200bwidth",
      "\u{e0100}selector",
      "it's \\ \u202e",
    ];
    const quoted = quoteArgv(words);
    expect(quoted).not.toMatch(/[\u0085\u00ad\u200b\u2028\u202e]|\u{e0041}|\u{e0100}/u);
    const echoed = execFileSync("bash", ["-c", `printf '%s\\0' ${quoted}`], {
      encoding: "utf8",
      env: { ...process.env, LC_ALL: "C.UTF-8" },
    });
    expect(echoed.split("\0").slice(0, -1)).toEqual(words);
  });
});
