type Finding = {
  title: string;
  body: string;
  priority: number;
  file: string;
  start_line: number;
  end_line: number;
};

type ReviewOutput = { findings: Finding[]; overall_correctness: string; overall_explanation: string };

function parse(text: string): ReviewOutput | null {
  try {
    const value = JSON.parse(text) as Partial<ReviewOutput>;
    if (!Array.isArray(value.findings) || typeof value.overall_correctness !== "string") return null;
    return value as ReviewOutput;
  } catch {
    return null;
  }
}

/**
 * The review's structured answer as people read it: the verdict, then each finding with its
 * priority and place, most urgent first. Text that is not such an answer is shown as it came.
 */
export function renderReview(title: string, text: string): string {
  const review = parse(text);
  if (!review) return text;
  const findings = [...review.findings].sort((a, b) => a.priority - b.priority);
  const lines = [
    `${title}: ${findings.length === 0 ? "no findings" : `${findings.length} finding${findings.length === 1 ? "" : "s"}`} (${review.overall_correctness})`,
  ];
  if (review.overall_explanation) lines.push(review.overall_explanation);
  for (const finding of findings) {
    const place =
      finding.end_line > finding.start_line
        ? `${finding.file}:${finding.start_line}-${finding.end_line}`
        : `${finding.file}:${finding.start_line}`;
    lines.push("", `[P${finding.priority}] ${finding.title} — ${place}`);
    for (const line of String(finding.body).split("\n")) lines.push(`  ${line}`);
  }
  return lines.join("\n");
}
