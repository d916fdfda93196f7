import type { z } from "zod";

/** An error the client sees as `{"error": {"type", "message"}}` with its HTTP status. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, "invalid_request_error", message);
export const unauthorized = (message: string) => new ApiError(401, "authentication_error", message);
export const notFound = (what: string, id: string) =>
  new ApiError(404, "not_found_error", `No ${what} with id ${JSON.stringify(id)}.`);
export const conflict = (message: string) => new ApiError(409, "conflict_error", message);
export const tooLarge = (message: string) => new ApiError(413, "invalid_request_error", message);
export const unsupportedMedia = (message: string) => new ApiError(415, "invalid_request_error", message);

/** A zod failure as one readable sentence: each problem with where it is. */
export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const at = issue.path.length ? issue.path.join(".") : where;
      if (issue.code === "unrecognized_keys") return `${where}: unknown field(s) ${issue.keys.join(", ")}`;
      return `${at}: ${issue.message}`;
    })
    .join("; ");
}

/** Parses `value` with `schema`, or throws a 400 naming what is wrong. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(describeIssues(result.error, where));
  return result.data;
}
