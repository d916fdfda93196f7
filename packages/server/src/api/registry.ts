import { z } from "zod";

/** Every named schema of the API: the OpenAPI document's components are generated from it. */
export const apiRegistry = z.registry<{ id: string; description?: string }>();

/** Registers `schema` under `id` (the name clients see) and returns it. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiRegistry.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}
