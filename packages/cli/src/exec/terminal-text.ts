/**
 * Text from the model or from commands, made safe to print on a terminal: escape sequences and
 * other control characters (which could move the cursor, rewrite earlier lines or set the window
 * title) are dropped; newlines and tabs stay.
 */
export function terminalSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
}
