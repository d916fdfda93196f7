import { describe, expect, it } from "vitest";
import { buildCommandEnv } from "../../src/exec/env.js";
import { inheritedEnv } from "../../src/exec/env-policy.js";

const parent = {
  HOME: "/home/u",
  PATH: "/bin",
  USER: "u",
  OPENAI_API_KEY: "sk-secret",
  GITHUB_TOKEN: "ghp",
  AWS_REGION: "eu",
  AWS_PROFILE: "dev",
  EDITOR: "vim",
};

describe("shell_environment_policy", () => {
  it("without a policy passes only the harmless variables", () => {
    expect(inheritedEnv(parent, undefined)).toEqual({ HOME: "/home/u", PATH: "/bin", USER: "u" });
  });

  it("inherits all but the default excludes (KEY, SECRET, TOKEN), as Codex does", () => {
    expect(inheritedEnv(parent, { inherit: "all" })).toEqual({
      HOME: "/home/u",
      PATH: "/bin",
      USER: "u",
      AWS_REGION: "eu",
      AWS_PROFILE: "dev",
      EDITOR: "vim",
    });
    expect(inheritedEnv(parent, { inherit: "all", ignoreDefaultExcludes: true })).toEqual(parent);
  });

  it("applies excludes (globs, any case), then set, then include_only", () => {
    expect(inheritedEnv(parent, { inherit: "all", exclude: ["aws_*"], set: { CI: "1" } })).toEqual({
      HOME: "/home/u",
      PATH: "/bin",
      USER: "u",
      EDITOR: "vim",
      CI: "1",
    });
    expect(inheritedEnv(parent, { inherit: "core", includeOnly: ["PATH", "C?"], set: { CI: "1" } })).toEqual({
      PATH: "/bin",
      CI: "1",
    });
    expect(inheritedEnv(parent, { inherit: "none", set: { ONLY: "this" } })).toEqual({ ONLY: "this" });
  });

  it("never lets the policy remove the sandbox markers or the forced settings", () => {
    const env = buildCommandEnv(parent, {
      mode: "workspace-write",
      networkAccess: false,
      policy: { inherit: "none", set: { NIGHTSHIFT_SANDBOX: "danger-full-access" } },
    });
    expect(env.NIGHTSHIFT_SANDBOX).toBe("workspace-write");
    expect(env.NIGHTSHIFT_SANDBOX_NETWORK_DISABLED).toBe("1");
    expect(env.PATH).toBeTruthy();
    expect(env.NO_COLOR).toBe("1");
  });
});
