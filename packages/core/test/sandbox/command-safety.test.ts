import { beforeAll, describe, expect, it } from "vitest";
import {
  type BashParser,
  findBashCommands,
  loadBashParser,
  splitBashScript,
} from "../../src/sandbox/bash-script.js";
import { isDangerousCommand, isKnownSafeCommand } from "../../src/sandbox/command-safety.js";

let bash: BashParser;
beforeAll(async () => {
  bash = await loadBashParser();
});

const lc = (script: string) => ["bash", "-lc", script];

// [argv, known-safe?]
const SAFE_CASES: Array<[string[], boolean]> = [
  [["ls"], true],
  [["ls", "-la", "src"], true],
  [["cat", "README.md"], true],
  [["grep", "-rn", "TODO", "."], true],
  [["head", "-n", "20", "f"], true],
  [["tail", "-f", "log"], true],
  [["wc", "-l", "a", "b"], true],
  [["pwd"], true],
  [["echo", "hi"], true],
  [["which", "node"], true],
  [["numfmt", "--to=iec", "1024"], true],
  [["tac", "f"], true],
  [["stat", "f"], true],
  [["true"], true],
  [["rm", "f"], false],
  [["touch", "f"], false],
  [["python3", "-c", "print(1)"], false],
  [["./ls"], false],
  [["/tmp/x/cat", "f"], false],
  [["sudo", "ls"], false],
  [[], false],
  [["base64", "f"], true],
  [["base64", "-o", "out", "f"], false],
  [["base64", "--output=out", "f"], false],
  [["find", ".", "-name", "*.ts"], true],
  [["find", ".", "-delete"], false],
  [["find", ".", "-exec", "rm", "{}", ";"], false],
  [["find", ".", "-fprint", "out"], false],
  [["rg", "-n", "foo"], true],
  [["rg", "--pre", "sh", "foo"], false],
  [["rg", "--pre=sh", "foo"], false],
  [["rg", "-z", "foo"], false],
  [["rg", "-iz", "foo"], false],
  [["rg", "--hostname-bin=x", "foo"], false],
  // A repository's config makes these run programs (fsmonitor, filters, textconv, diff drivers).
  [["git", "status"], false],
  [["git", "log", "--oneline", "-5"], false],
  [["git", "diff", "HEAD~1"], false],
  [["git", "--no-pager", "diff"], false],
  [["git", "show", "abc123"], false],
  [["git", "-C", "/elsewhere", "branch"], false],
  [["git", "-c", "core.pager=evil", "branch"], false],
  [["git", "--no-pager", "branch", "-a"], true],
  [["git", "commit", "-m", "x"], false],
  [["git", "branch"], true],
  [["git", "branch", "-a", "-v"], true],
  [["git", "branch", "--show-current"], true],
  [["git", "branch", "new-feature"], false],
  [["git", "branch", "-D", "old"], false],
  [["git", "branch", "--list", "feat*"], true],
  [["uniq", "in.txt"], true],
  [["uniq", "-c", "-f", "1", "in.txt"], true],
  [["uniq", "in.txt", "out.txt"], false],
  [["uniq", "-", "Makefile"], false],
  [["uniq", "-f1", "a", "b"], false],
  [["uniq", "--skip-fields", "1", "a"], true],
  [["uniq", "--", "-a", "-b"], false],
  [["base64", "-Do", "out", "f"], false],
  [["base64", "--outp=out", "f"], false],
  [["rg", "--pr=sh", "foo"], false],
  [["rg", "--search-z", "foo"], false],
  [["rg", "--pretty", "foo"], true],
  [["sed", "-n", "10p", "f"], true],
  [["sed", "-n", "1,20p", "f"], true],
  [["sed", "-i", "s/a/b/", "f"], false],
  [["sed", "-n", "1,20p;w out", "f"], false],
  [["sed", "-n", "1p", "f", "g"], false],
  [lc("ls -la && cat README.md | wc -l"), true],
  [lc("git branch; ls -la || echo none"), true],
  [lc("git status; ls"), false],
  [lc("cd src\nls"), true],
  [["sh", "-c", "pwd"], true],
  [["zsh", "-lc", "grep -n foo 'a file.txt'"], true],
  [lc(`echo "plain string"`), true],
  [lc("ls > out.txt"), false],
  [lc("cat < in"), false],
  [lc("echo $(rm -rf x)"), false],
  [lc("echo `id`"), false],
  [lc("echo $HOME"), false],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${...}, on purpose
  [lc("echo ${HOME}"), false],
  [lc(`echo "a $b"`), false],
  [lc("FOO=1 ls"), false],
  [lc("(ls)"), false],
  [lc("{ ls; }"), false],
  [lc("ls &"), false],
  [lc("ls *.ts"), false],
  [lc("cat <<EOF\nhi\nEOF"), false],
  [lc("ls && rm -rf x"), false],
  [lc("if true; then ls; fi"), false],
  [lc("ls 'unterminated"), false],
  [lc("ls # comment"), false],
  [lc("echo a\\ b"), false],
  [lc("find . -name x | xargs rm"), false],
  [["bash", "-lc", "ls", "extra"], false],
  [["bash", "script.sh"], false],
];

describe("isKnownSafeCommand", () => {
  it.each(SAFE_CASES)("%j -> %s", (argv, expected) => {
    expect(isKnownSafeCommand(argv, bash)).toBe(expected);
  });

  it("never trusts a shell script without a parser", () => {
    expect(isKnownSafeCommand(lc("ls"))).toBe(false);
    expect(isKnownSafeCommand(["ls"])).toBe(true);
  });
});

const DANGER_CASES: Array<[string[], boolean]> = [
  [["rm", "-rf", "build"], true],
  [["rm", "-fr", "build"], true],
  [["rm", "-f", "a.txt"], true],
  [["rm", "-r", "dir"], true],
  [["rm", "--recursive", "dir"], true],
  [["rm", "--recu", "dir"], true],
  [["rm", "--r", "dir"], true],
  [["rm", "--fo", "a.txt"], true],
  [["rm", "--verbose", "a.txt"], false],
  [["sudo", "--user", "root", "rm", "-rf", "/"], true],
  [["sudo", "--us", "root", "rm", "-rf", "/"], true],
  [["env", "--uns", "X", "rm", "-rf", "x"], true],
  [["env", "-S", "rm -rf x"], true],
  [["env", "--split-string=rm -rf x"], true],
  [["xargs", "--max-a", "1", "rm", "-rf"], true],
  [["git", "clean", "--forc"], true],
  [["git", "-c", "clean.requireForce=false", "clean", "-d"], true],
  [["git", "clean", "--dry-run", "-d"], false],
  [["git", "clean", "--f", "-d"], true],
  [["git", "reset", "--har"], true],
  [["git", "push", "--forc"], true],
  [["git", "push", "--mirr"], true],
  [["git", "push", "--force-w"], true],
  [["git", "branch", "--del", "--forc", "x"], true],
  [["git", "branch", "-d", "-f", "x"], true],
  [["git", "branch", "-d", "x"], false],
  [["git", "checkout", "--forc", "main"], true],
  [["git", "switch", "--discard", "main"], true],
  [["git", "switch", "main"], false],
  [["git", "restore", "--staged", "--work", "x"], true],
  [["git", "restore", "--stag", "x"], true],
  [lc("rm --recu build"), true],
  [["rm", "a.txt"], false],
  [["rm", "--", "-rf"], false],
  [["sudo", "rm", "-rf", "/"], true],
  [["sudo", "-u", "root", "rm", "-rf", "/"], true],
  [["env", "A=1", "rm", "-rf", "x"], true],
  [["xargs", "-n", "1", "rm", "-f"], true],
  [["timeout", "5", "rm", "-rf", "x"], true],
  [["find", ".", "-delete"], true],
  [["find", ".", "-exec", "rm", "-rf", "{}", "+"], true],
  [["find", ".", "-exec", "cat", "{}", ";"], false],
  [["git", "reset", "--hard"], true],
  [["git", "-C", "repo", "reset", "--hard", "HEAD~3"], true],
  [["git", "reset", "--soft", "HEAD~1"], false],
  [["git", "clean", "-fdx"], true],
  [["git", "clean", "-n"], false],
  [["git", "push", "--force"], true],
  [["git", "push", "-f", "origin", "main"], true],
  [["git", "push", "origin", "+main"], true],
  [["git", "push", "--force-with-lease"], true],
  [["git", "push", "origin", "main"], false],
  [["git", "checkout", "--", "src/a.ts"], true],
  [["git", "checkout", "-b", "feature"], false],
  [["git", "restore", "src/a.ts"], true],
  [["git", "restore", "--staged", "src/a.ts"], false],
  [["git", "stash", "drop"], true],
  [["git", "status"], false],
  [["dd", "if=/dev/zero", "of=/dev/sda"], true],
  [["mkfs.ext4", "/dev/sdb1"], true],
  [["shred", "secret"], true],
  [["ls", "-rf"], false],
  [lc("rm -rf /"), true],
  [lc("cd build && rm -rf *"), true],
  [lc("echo $(rm -rf ~)"), true],
  [lc("rm -rf $DIR 2>/dev/null"), true],
  [lc("if true; then git reset --hard; fi"), true],
  [lc("bash -c 'rm -rf x'"), true],
  [["bash", "-ec", "rm -rf x", "extra"], true],
  [lc("ls -la"), false],
];

describe("isDangerousCommand", () => {
  it.each(DANGER_CASES)("%j -> %s", (argv, expected) => {
    expect(isDangerousCommand(argv, bash)).toBe(expected);
  });
});

describe("splitBashScript", () => {
  it("splits plain command lists into argv", () => {
    expect(splitBashScript(`git status && grep -n 'a b' "c d" | head -5; ls`, bash)).toEqual([
      ["git", "status"],
      ["grep", "-n", "a b", "c d"],
      ["head", "-5"],
      ["ls"],
    ]);
  });

  it("refuses anything but plain commands", () => {
    for (const script of ["ls > x", "a=$(b)", "", "   ", "ls |& cat", "ls ;; ls", "! ls", "ls $(pwd)"]) {
      expect(splitBashScript(script, bash), script).toBeNull();
    }
  });

  it("refuses scripts too long to analyse", () => {
    expect(splitBashScript("ls; ".repeat(20_000), bash)).toBeNull();
  });

  it("finds commands nested anywhere for danger checks", () => {
    expect(findBashCommands(`for f in *; do echo "$f" > /dev/null; done; x=$(rm -rf "$HOME")`, bash)).toEqual(
      [
        ["echo", `"$f"`],
        ["rm", "-rf", `"$HOME"`],
      ],
    );
  });
});
