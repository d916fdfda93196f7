import type { RecordedRequest } from "@nightshift/testkit";

/** The bytes of a request body up to the end of its input items (without the closing bracket). */
export function inputPrefix(raw: string): string {
  const start = raw.indexOf('"input":[');
  const end = raw.indexOf('],"tools":', start);
  if (start < 0 || end < 0) throw new Error("request body has no input array followed by tools");
  return raw.slice(0, end);
}

/** Index of the first request whose body does not start with the previous request's input, or -1. */
export function firstPrefixBreak(requests: readonly RecordedRequest[]): number {
  for (let i = 1; i < requests.length; i++) {
    if (!requests[i]!.rawBody.startsWith(inputPrefix(requests[i - 1]!.rawBody))) return i;
  }
  return -1;
}
