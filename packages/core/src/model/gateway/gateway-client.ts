import type { CompactResult, ModelClient, ModelRequest, ModelStreamEvent } from "../client.js";
import { ModelError, type ModelErrorKind } from "../errors.js";
import type { CircuitBreakers } from "./breaker.js";
import { countsAsFailure, judgeFailure } from "./failure.js";
import { ItemOrigins, portableInput } from "./portable-input.js";
import { type ModelRoute, routeLabel } from "./route.js";

/** What the gateway tells its owner (the host turns these into session events). */
export type GatewayNotice =
  | {
      kind: "fallback";
      from: string;
      to: string;
      reason: string;
      /** The failure that made it hand over, or "circuit_open" when the first choice was skipped. */
      errorKind: ModelErrorKind | "circuit_open";
    }
  | { kind: "reasoning_dropped"; route: string; message: string }
  | { kind: "opaque_items_dropped"; route: string; reasoning: number; compaction: number };

export type GatewayOptions = {
  /** The provider whose opaque items (encrypted reasoning, compactions) are assumed when no other origin is known. */
  homeProvider: string;
  /** The routes for a request, in order of preference; the first is the primary. */
  routes: (request: ModelRequest) => readonly ModelRoute[];
  breakers: CircuitBreakers;
  /** The session's retry budget, which each model uses up before the next one takes over. */
  retryLimits: () => { requestMaxRetries: number; streamMaxRetries: number };
  onNotice: (notice: GatewayNotice) => void;
  /** Who wrote which opaque item; shared by the gateways of one session (default: its own). */
  origins?: ItemOrigins;
};

/**
 * A ModelClient over several models: the primary and its fallbacks. A request goes to the
 * model the turn is on (at a turn's start, the first whose provider's circuit is closed); when
 * that model fails in a way retries cannot fix — the retry budget spent on 5xx, timeouts, rate
 * limits or an unreachable server; quota exhausted; the model missing; the key refused — the
 * same request continues on the next model, announced, and the turn stays there. Opaque items
 * another provider wrote are left out of what each provider receives; a server that refuses the
 * reasoning parameters gets requests without them for the rest of the session. Completed events
 * say which model answered, so the ledger records it.
 */
export class ModelGateway implements ModelClient {
  readonly #options: GatewayOptions;
  readonly #origins: ItemOrigins;
  /** The route this turn is on (sticky until the turn ends or the route fails). */
  #current: string | null = null;
  /** Failures in a row on the current route that count against the retry budget. */
  #failures = 0;
  /** Routes that cannot answer in this session (their model does not exist there). */
  readonly #dead = new Set<string>();
  /** Routes whose server refused the reasoning parameters. */
  readonly #noReasoning = new Set<string>();
  /** Routes already told about the opaque items they do not receive. */
  readonly #toldOpaque = new Set<string>();
  /** The circuit-open period last announced per provider (announced once per trip). */
  readonly #toldSkip = new Map<string, number>();

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#origins = options.origins ?? new ItemOrigins(options.homeProvider);
  }

  /** A new turn starts on the first model whose circuit is closed: the primary gets another try. */
  beginTurn(): void {
    this.#current = null;
    this.#failures = 0;
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelStreamEvent> {
    const routes = this.#usable(request);
    let route = this.#choose(routes);
    while (true) {
      const sent = this.#prepare(request, route);
      let committed = false;
      try {
        for await (const event of route.client.stream(sent, signal)) {
          if (event.type === "item_done") {
            committed = true;
            this.#origins.note(event.item, route.provider.id);
            yield event;
          } else if (event.type === "completed") {
            yield { ...event, model: route.model, provider: route.provider.id };
          } else yield event;
        }
      } catch (err) {
        const error =
          err instanceof ModelError
            ? err
            : new ModelError("transport", (err as Error).message, { cause: err });
        const next = signal.aborted ? null : this.#onFailure(route, routes, sent, error, committed);
        if (!next) throw error;
        route = next;
        continue;
      }
      this.#failures = 0;
      this.#options.breakers.succeeded(route.provider.id);
      return;
    }
  }

  /** Remote compaction by the model the turn is on (no hand-over: the compactor has its own fallbacks). */
  async compact(request: ModelRequest, signal: AbortSignal): Promise<CompactResult> {
    const route = this.#choose(this.#usable(request));
    const compact = route.client.compact?.bind(route.client);
    if (!compact) throw new ModelError("invalid_request", `${routeLabel(route)} offers no remote compaction`);
    const result = await compact(this.#prepare(request, route), signal);
    for (const item of result.output) this.#origins.note(item, route.provider.id);
    return { ...result, model: route.model, provider: route.provider.id };
  }

  #usable(request: ModelRequest): ModelRoute[] {
    const all = this.#options.routes(request);
    const usable = all.filter((route) => !this.#dead.has(routeLabel(route)));
    if (usable.length === 0) {
      throw new ModelError(
        "invalid_request",
        `none of the configured models can answer (${all.map(routeLabel).join(", ")} do not exist on their providers); check model and fallback_models`,
      );
    }
    return usable;
  }

  /** The route this turn is on, or at its start the first one whose circuit is closed. */
  #choose(routes: readonly ModelRoute[]): ModelRoute {
    const current = routes.find((route) => routeLabel(route) === this.#current);
    if (current) return current;
    this.#failures = 0;
    const breakers = this.#options.breakers;
    const chosen = routes.find((route) => breakers.allows(route.provider.id)) ?? routes[0]!;
    this.#current = routeLabel(chosen);
    const primary = routes[0]!;
    if (chosen !== primary) {
      const state = breakers.state(primary.provider.id);
      if (state.openUntil !== null && this.#toldSkip.get(primary.provider.id) !== state.openUntil) {
        this.#toldSkip.set(primary.provider.id, state.openUntil);
        this.#options.onNotice({
          kind: "fallback",
          from: routeLabel(primary),
          to: this.#current,
          reason: `provider ${primary.provider.id} rests after failing (${state.reason}); a later turn tries it again`,
          errorKind: "circuit_open",
        });
      }
    }
    return chosen;
  }

  /** The route to continue the same call on, or null to throw (the turn loop decides what next). */
  #onFailure(
    route: ModelRoute,
    routes: readonly ModelRoute[],
    sent: ModelRequest,
    error: ModelError,
    committed: boolean,
  ): ModelRoute | null {
    const label = routeLabel(route);
    if (countsAsFailure(error)) this.#failures++;
    const verdict = judgeFailure(error, {
      hadReasoning: sent.reasoning !== undefined,
      failuresInRow: this.#failures,
      committed,
      onTrial: this.#options.breakers.state(route.provider.id).trips > 0,
      limits: this.#options.retryLimits(),
    });
    switch (verdict.action) {
      case "drop_reasoning":
        if (committed || this.#noReasoning.has(label)) return null;
        this.#noReasoning.add(label);
        this.#options.onNotice({ kind: "reasoning_dropped", route: label, message: error.message });
        return route;
      case "drop_opaque_items":
        if (committed || !this.#origins.trustOnlyNoted(route.provider.id)) return null;
        return route;
      case "hand_over": {
        if (verdict.scope === "model") this.#dead.add(label);
        else this.#options.breakers.trip(route.provider.id, error.message);
        const next = this.#nextAfter(route, routes);
        if (!next) return null;
        this.#current = routeLabel(next);
        this.#failures = 0;
        this.#options.onNotice({
          kind: "fallback",
          from: label,
          to: this.#current,
          reason: error.message,
          errorKind: error.kind,
        });
        // Items of the failed response are in history already: the turn loop sends the request
        // again (to the next model, which the turn is now on) with them.
        return committed ? null : next;
      }
      default:
        return null;
    }
  }

  /** The next route after `route`: the first whose circuit is closed, else simply the next. */
  #nextAfter(route: ModelRoute, routes: readonly ModelRoute[]): ModelRoute | null {
    const rest = routes.slice(routes.indexOf(route) + 1).filter((r) => !this.#dead.has(routeLabel(r)));
    return rest.find((r) => this.#options.breakers.allows(r.provider.id)) ?? rest[0] ?? null;
  }

  /** The request as this route receives it: its model, its capabilities, the input it may read. */
  #prepare(request: ModelRequest, route: ModelRoute): ModelRequest {
    const label = routeLabel(route);
    const patch: Partial<ModelRequest> = {};
    const sameModel = request.model === route.model;
    if (!sameModel) {
      patch.model = route.model;
      patch.parallelToolCalls = route.info.parallelToolCalls;
      if (request.maxOutputTokens !== undefined && request.maxOutputTokens > route.info.maxOutputTokens)
        patch.maxOutputTokens = route.info.maxOutputTokens;
    }
    const reasoning = this.#reasoningFor(request, route, sameModel);
    if (reasoning !== request.reasoning) patch.reasoning = reasoning;
    if (route.provider.wireApi === "responses") {
      const portable = portableInput(request, route.provider.id, this.#origins);
      if (portable) {
        patch.input = portable.input;
        patch.inputJson = portable.inputJson;
        if (!this.#toldOpaque.has(label)) {
          this.#toldOpaque.add(label);
          this.#options.onNotice({ kind: "opaque_items_dropped", route: label, ...portable.dropped });
        }
      }
    }
    return Object.keys(patch).length === 0 ? request : { ...request, ...patch };
  }

  #reasoningFor(request: ModelRequest, route: ModelRoute, sameModel: boolean): ModelRequest["reasoning"] {
    if (!route.info.reasoning || this.#noReasoning.has(routeLabel(route))) return undefined;
    if (sameModel || request.reasoning) return request.reasoning;
    const effort = route.info.defaultReasoningEffort;
    return effort ? { effort, summary: "auto" } : { summary: "auto" };
  }
}
