import { describe, expect, it } from "vitest";
import { parseApplyPatchInvocation } from "../../src/tools/apply-patch/index.js";

const PATCH = "*** Begin Patch\n*** Add File: a.txt\n+$HOME `x`\n*** End Patch\n";

describe("parseApplyPatchInvocation", () => {
  it("recognises apply_patch and applypatch with the patch as the only argument", () => {
    expect(parseApplyPatchInvocation(["apply_patch", PATCH])).toEqual({ patch: PATCH });
    expect(parseApplyPatchInvocation(["applypatch", PATCH])).toEqual({ patch: PATCH });
    expect(parseApplyPatchInvocation(["apply_patch"])).toBeNull();
    expect(parseApplyPatchInvocation(["apply_patch", PATCH, "extra"])).toBeNull();
    expect(parseApplyPatchInvocation(["patch", PATCH])).toBeNull();
    expect(parseApplyPatchInvocation([])).toBeNull();
  });

  it.each([
    ["bash", "-lc", "'EOF'"],
    ["sh", "-c", '"EOF"'],
    ["zsh", "-lc", "EOF"],
    ["/bin/bash", "-lc", "PATCH"],
    ["bash", "-c", " 'END_OF_PATCH'"],
  ])("recognises %s %s with a heredoc delimited by %s", (shell, flag, delimiter) => {
    const word = delimiter.trim().replace(/['"]/g, "");
    const script = `apply_patch <<${delimiter}\n${PATCH}${word}\n`;
    expect(parseApplyPatchInvocation([shell, flag, script])).toEqual({ patch: PATCH });
  });

  it("accepts applypatch, surrounding whitespace and no final newline after the delimiter", () => {
    expect(parseApplyPatchInvocation(["bash", "-lc", `\n  applypatch<<'EOF'\n${PATCH}EOF`])).toEqual({
      patch: PATCH,
    });
    expect(parseApplyPatchInvocation(["bash", "-lc", `apply_patch <<'EOF'\nEOF\n`])).toEqual({ patch: "" });
  });

  it.each([
    ["cd src && ", "src"],
    ["cd 'my dir'&&", "my dir"],
    ['cd "a/b c" && ', "a/b c"],
    ["cd /abs/path  &&  ", "/abs/path"],
  ])("returns the workdir of a leading %j", (prefix, workdir) => {
    const script = `${prefix}apply_patch <<'EOF'\n${PATCH}EOF\n`;
    expect(parseApplyPatchInvocation(["bash", "-lc", script])).toEqual({ patch: PATCH, workdir });
  });

  it.each([
    ["a different command", `cat <<'EOF'\n${PATCH}EOF\n`],
    ["a command after the heredoc", `apply_patch <<'EOF'\n${PATCH}EOF\necho done\n`],
    ["a command on the heredoc line", `apply_patch <<'EOF' && echo done\n${PATCH}EOF\n`],
    ["a command before", `echo hi; apply_patch <<'EOF'\n${PATCH}EOF\n`],
    ["|| instead of &&", `cd src || apply_patch <<'EOF'\n${PATCH}EOF\n`],
    ["a variable in cd", `cd $HOME && apply_patch <<'EOF'\n${PATCH}EOF\n`],
    ["a substitution in cd", `cd "$(pwd)" && apply_patch <<'EOF'\n${PATCH}EOF\n`],
    ["cd -", `cd - && apply_patch <<'EOF'\n${PATCH}EOF\n`],
    ["cd ~", `cd ~ && apply_patch <<'EOF'\n${PATCH}EOF\n`],
    ["an empty cd", `cd '' && apply_patch <<'EOF'\n${PATCH}EOF\n`],
    ["two cds", `cd a && cd b && apply_patch <<'EOF'\n${PATCH}EOF\n`],
    ["no terminator", `apply_patch <<'EOF'\n${PATCH}`],
    ["an indented terminator", `apply_patch <<'EOF'\n${PATCH}  EOF\n`],
    ["a <<- heredoc", `apply_patch <<-EOF\n${PATCH}EOF\n`],
    ["a here-string", `apply_patch <<< "${PATCH}"`],
    ["the patch as an argument", `apply_patch '${PATCH}'`],
  ])("rejects a script with %s", (_what, script) => {
    expect(parseApplyPatchInvocation(["bash", "-lc", script])).toBeNull();
  });

  it("rejects other shells, flags and argument counts", () => {
    const script = `apply_patch <<'EOF'\n${PATCH}EOF\n`;
    expect(parseApplyPatchInvocation(["fish", "-c", script])).toBeNull();
    expect(parseApplyPatchInvocation(["bash", "-x", script])).toBeNull();
    expect(parseApplyPatchInvocation(["bash", "-lc", script, "extra"])).toBeNull();
    expect(parseApplyPatchInvocation(["bash", script])).toBeNull();
  });
});
