/** The runner runs git as the engine does: explicit git dir, work tree and private index. */
export { type GitEnv, GitError, git, gitText } from "@nightshift/core/git";
