export const READ_FILE_DESCRIPTION = `Read a text file. Lines come back numbered as "L<number>: <text>" (the prefix is not part of the file).
- path: absolute, or relative to the working directory.
- offset: first line to show, 1-based (default 1). limit: most lines to show (default 2000).
- Output is also capped by size; lines longer than 500 characters are clipped.
- A closing note gives the range shown and the file's line count; when there is more, it names the offset to continue from.
- Binary files are not shown; directories are refused (use list_dir).
Prefer this over cat, head or sed for looking at files.`;
