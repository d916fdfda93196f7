import { describe, expect, it } from "vitest";
import { RepeatDetector } from "../../src/agent/repeat-detector.js";
import { DEFAULT_REPEATED_CALL_THRESHOLDS } from "../../src/agent/turn-limits.js";

const output = (seconds: string) => `Exit code: 0\nWall time: ${seconds} seconds\nOutput:\nok\n`;

describe("RepeatDetector", () => {
  it("sees the same command output as the same whatever its wall time", () => {
    const detector = new RepeatDetector(DEFAULT_REPEATED_CALL_THRESHOLDS);
    const input = '{"command":["cat","a.txt"]}';
    expect(detector.record("shell", input, output("0.1"), true)).toBeNull();
    expect(detector.record("shell", input, output("0.3"), true)).toBeNull();
    expect(detector.record("shell", input, output("1.2"), true)).toBeNull();
    expect(detector.record("shell", input, output("0.2"), true)).toMatchObject({
      kind: "repeated_calls",
      detail: { pattern: "same_call_same_output" },
    });
  });

  it("still tells different outputs apart", () => {
    const detector = new RepeatDetector(DEFAULT_REPEATED_CALL_THRESHOLDS);
    for (let i = 0; i < 6; i++) {
      expect(
        detector.record("shell", "{}", `Exit code: 0\nWall time: 0.1 seconds\nOutput:\n${i}\n`, true),
      ).toBeNull();
    }
  });
});
