/** CSI sequences, OSC sequences (up to BEL or ST) and every other control character but newline and tab. */
const CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from the model, from commands or from files, made safe to draw: escape sequences and
 * other control characters (which could move the cursor, rewrite earlier lines or set the window
 * title) are dropped; newlines stay and tabs become spaces (their width is the terminal's guess).
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROLS, "").replace(/\t/g, "    ");
}
