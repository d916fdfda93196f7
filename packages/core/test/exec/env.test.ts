import { describe, expect, it } from "vitest";
import { buildCommandEnv, DEFAULT_PATH } from "../../src/exec/env.js";

const parent = {
  HOME: "/home/me",
  PATH: "/usr/bin:/bin",
  USER: "me",
  OPENAI_API_KEY: "sk-secret",
  AWS_SECRET_ACCESS_KEY: "secret",
  GITHUB_TOKEN: "ghp_secret",
  TERM: "xterm-256color",
  LANG: "fr_FR.UTF-8",
  NIGHTSHIFT_SANDBOX: "danger-full-access",
  https_proxy: "http://127.0.0.1:3128",
};

describe("buildCommandEnv", () => {
  it("keeps the allow-list, drops secrets and forces plain output", () => {
    const env = buildCommandEnv(parent, { mode: "workspace-write", networkAccess: false });
    expect(env).toEqual({
      HOME: "/home/me",
      PATH: "/usr/bin:/bin",
      USER: "me",
      https_proxy: "http://127.0.0.1:3128",
      NO_COLOR: "1",
      TERM: "dumb",
      PAGER: "cat",
      GIT_PAGER: "cat",
      GH_PAGER: "cat",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      NIGHTSHIFT_SANDBOX: "workspace-write",
      NIGHTSHIFT_SANDBOX_NETWORK_DISABLED: "1",
    });
  });

  it("marks network access and full access", () => {
    expect(buildCommandEnv(parent, { mode: "read-only", networkAccess: true })).not.toHaveProperty(
      "NIGHTSHIFT_SANDBOX_NETWORK_DISABLED",
    );
    const full = buildCommandEnv(parent, { mode: "danger-full-access", networkAccess: false });
    expect(full.NIGHTSHIFT_SANDBOX).toBe("danger-full-access");
    expect(full).not.toHaveProperty("NIGHTSHIFT_SANDBOX_NETWORK_DISABLED");
  });

  it("lets extras override defaults but never the sandbox markers", () => {
    const env = buildCommandEnv(parent, {
      mode: "read-only",
      networkAccess: false,
      extra: {
        TERM: "xterm",
        CI: "1",
        NIGHTSHIFT_SANDBOX: "danger-full-access",
        NIGHTSHIFT_SANDBOX_NETWORK_DISABLED: "0",
      },
    });
    expect(env).toMatchObject({ TERM: "xterm", CI: "1", NIGHTSHIFT_SANDBOX: "read-only" });
    expect(env.NIGHTSHIFT_SANDBOX_NETWORK_DISABLED).toBe("1");
  });

  it("supplies a PATH when there is none", () => {
    expect(buildCommandEnv({}, { mode: "read-only", networkAccess: false }).PATH).toBe(DEFAULT_PATH);
  });
});
