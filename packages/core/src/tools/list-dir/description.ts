export const LIST_DIR_DESCRIPTION = `List a directory as an indented tree, in name order. Directories end in "/", symbolic links in "@" with their target; links are not followed.
- path: absolute, or relative to the working directory (default ".").
- depth: how many levels to show, 1-5 (default 2).
- limit: most entries to show, up to 1000 (default 200); offset: 1-based entry to start from, to page through large trees.
- Entries hidden by .gitignore or .ignore files are left out, .git is never shown, and node_modules is shown but not walked into.
A closing note gives the entries shown and, when there are more, the offset to continue from.`;
