/** What the model is told about where it runs. Every field is optional so diffs can carry only what changed. */
export type EnvironmentFacts = {
  cwd?: string;
  shell?: string;
  currentDate?: string;
  timezone?: string;
  network?: "enabled" | "restricted";
};

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function environmentContextText(facts: EnvironmentFacts): string {
  const lines = ["<environment_context>"];
  if (facts.cwd !== undefined) lines.push(`  <cwd>${escapeXml(facts.cwd)}</cwd>`);
  if (facts.shell !== undefined) lines.push(`  <shell>${escapeXml(facts.shell)}</shell>`);
  if (facts.currentDate !== undefined) lines.push(`  <current_date>${facts.currentDate}</current_date>`);
  if (facts.timezone !== undefined) lines.push(`  <timezone>${escapeXml(facts.timezone)}</timezone>`);
  if (facts.network !== undefined) lines.push(`  <network>${facts.network}</network>`);
  lines.push("</environment_context>");
  return lines.join("\n");
}

/** The date in the given time zone as YYYY-MM-DD. */
export function localDate(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(epochMs));
}
