export const GREP_DESCRIPTION = `Search file contents with a regular expression (ripgrep syntax, close to Rust/PCRE; escape literal braces and parentheses, or set fixed_strings).
- path: file or directory to search, absolute or relative to the working directory (default: the working directory).
- glob: only search files whose path matches this glob, e.g. "*.ts" or "src/**/*.rs"; prefix with "!" to exclude.
- case_insensitive, fixed_strings (treat the pattern as plain text), context (lines shown around each match, up to 10).
- limit: most matching lines to show (default 100, up to 1000).
Hidden files are searched; files ignored by .gitignore/.ignore, .git and binary files are skipped.
Results are grouped by file in path order: "L<n>: " marks a matching line, "L<n>- " a context line. Long lines are clipped around the first match. A closing note says how many matches were shown and whether more exist.`;
