import { PagePromise } from "../pagination.js";
import type { RequestOptions, Transport } from "../transport.js";
import type { Agent, AgentCreateParams, Page, PageParams } from "../types.js";
import { type IdempotentOptions, idempotencyHeaders } from "./idempotency.js";

/** Agents: a model with the limits every task of it runs under. */
export class Agents {
  constructor(private readonly transport: Transport) {}

  create(params: AgentCreateParams, options: IdempotentOptions = {}): Promise<Agent> {
    return this.transport.json<Agent>(
      { method: "POST", path: "/v1/agents", json: params },
      idempotencyHeaders(options),
    );
  }

  retrieve(id: string, options?: RequestOptions): Promise<Agent> {
    return this.transport.json<Agent>(
      { method: "GET", path: `/v1/agents/${encodeURIComponent(id)}` },
      options,
    );
  }

  list(params: PageParams = {}, options?: RequestOptions): PagePromise<Agent> {
    return new PagePromise((after) =>
      this.transport.json<Page<Agent>>(
        { method: "GET", path: "/v1/agents", query: { ...params, after: after ?? params.after } },
        options,
      ),
    );
  }
}
