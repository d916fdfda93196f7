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
    expect(quoteArgv(["echo", "safe\r\u001b[2Krm -rf /"])).toBe("echo $'safe\\x0d\\x1b[2Krm -rf /'");
    expect(quoteArgv(["printf", "a\nb"])).toBe("printf $'a\\nb'");
    expect(quoteArgv(["rm", "safe\u202Ethgir"])).toBe("rm $'safe\\u202ethgir'");
  });
});
