import type { RunReport } from "@nightshift/runner";

/** The lines printed on stdout when a run ends (by `run` and by `run attach`). */
export function runSummary(report: RunReport, reportPath: string): string {
  const cost = `$${report.cost_usd.total.toFixed(4)}${report.max_cost === null ? "" : ` of $${report.max_cost}`}`;
  return `${report.status}: ${report.reason}\ncost: ${cost} (tokens $${report.cost_usd.tokens.toFixed(4)} + fee $${report.cost_usd.fee.toFixed(4)})\nreport: ${reportPath}\nartifact: ${report.artifact.path ?? "none"}\n`;
}
