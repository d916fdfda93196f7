/**
 * What the model reads about apply_patch. The freeform variant is short because its grammar
 * already pins the syntax down; the function variant has to explain the format in words.
 */

export const APPLY_PATCH_FREEFORM_DESCRIPTION =
  "Use `apply_patch` to create, edit, move and delete files. This is a FREEFORM tool: send the patch text itself as the input, not JSON.";

const FORMAT = `The patch is a file-oriented diff wrapped in markers:

*** Begin Patch
<one or more file operations>
*** End Patch

File operations:
- "*** Add File: <path>" then every line of the new file, each prefixed with "+".
- "*** Delete File: <path>" and nothing after it.
- "*** Update File: <path>", optionally followed by "*** Move to: <new path>" to rename the file, then one or more change blocks.

A change block starts with a line "@@", or "@@ <line of the file>" (for example the class or function the change is in) to say where it goes. Its lines start with one character:
- " " (a space) for an unchanged line, shown for context,
- "-" for a line to remove,
- "+" for a line to add.
Show about 3 unchanged lines before and after each change so the place is unambiguous; when that is not enough, use "@@ <line>" headers (several in a row narrow it further). Put "*** End of File" after a block that must match the end of the file. Blocks in one file must be in file order.

Paths are relative to the working directory; never use absolute paths.

Example:
*** Begin Patch
*** Add File: docs/notes.md
+# Notes
+First entry.
*** Update File: src/greet.py
*** Move to: src/hello.py
@@ def greet(name):
-    print("Hi", name)
+    print("Hello,", name)
     return name
*** Delete File: src/obsolete.py
*** End Patch`;

export const APPLY_PATCH_FUNCTION_DESCRIPTION = `Use \`apply_patch\` to create, edit, move and delete files. Pass the whole patch as the \`input\` string.

${FORMAT}`;
