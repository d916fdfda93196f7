import type { z } from "zod";
import { badRequest, parseOr400, tooLarge, unsupportedMedia } from "../api/errors.js";
import type { Ctx } from "./deps.js";

const MAX_JSON_BYTES = 1024 * 1024;

/** The request's JSON body, parsed with `schema` (400 with what is wrong), and its raw text. */
export async function jsonBody<T extends z.ZodType>(
  c: Ctx,
  schema: T,
): Promise<{ body: z.output<T>; raw: string }> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw unsupportedMedia("send the body as JSON (Content-Type: application/json)");
  const length = Number(c.req.header("content-length") ?? 0);
  if (length > MAX_JSON_BYTES) throw tooLarge(`a JSON body may be at most ${MAX_JSON_BYTES} bytes`);
  const raw = await c.req.text();
  if (raw.length > MAX_JSON_BYTES) throw tooLarge(`a JSON body may be at most ${MAX_JSON_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badRequest("the body is not valid JSON");
  }
  return { body: parseOr400(schema, value, "body"), raw };
}

/** The query string parsed with `schema` (400 with what is wrong). */
export function query<T extends z.ZodType>(c: Ctx, schema: T): z.output<T> {
  return parseOr400(schema, c.req.query(), "query");
}
