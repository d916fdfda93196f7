import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type {
  agentObject,
  eventList,
  fileObject,
  reportObject,
  taskList,
  taskObject,
} from "../../server/src/api/objects.js";
import type { createAgentBody, createTaskBody } from "../../server/src/api/requests.js";
import type {
  Agent,
  AgentCreateParams,
  AgentTask,
  AgentTaskCreateParams,
  AgentTaskReport,
  EventPage,
  FileObject,
  Page,
} from "../src/index.js";

// The SDK's types are written out (no zod at run time); these checks fail `npm run typecheck`
// the moment they and the server's schemas disagree.
describe("the SDK's types are the server's zod schemas", () => {
  it("objects", () => {
    expectTypeOf<Agent>().toEqualTypeOf<z.output<typeof agentObject>>();
    expectTypeOf<FileObject>().toEqualTypeOf<z.output<typeof fileObject>>();
    expectTypeOf<AgentTask>().toEqualTypeOf<z.output<typeof taskObject>>();
    expectTypeOf<Page<AgentTask>>().toEqualTypeOf<z.output<typeof taskList>>();
    expectTypeOf<EventPage>().toEqualTypeOf<z.output<typeof eventList>>();
    expectTypeOf<AgentTaskReport>().toEqualTypeOf<z.output<typeof reportObject>>();
  });

  it("requests", () => {
    expectTypeOf<AgentCreateParams>().toEqualTypeOf<z.input<typeof createAgentBody>>();
    expectTypeOf<AgentTaskCreateParams>().toEqualTypeOf<z.input<typeof createTaskBody>>();
  });
});
