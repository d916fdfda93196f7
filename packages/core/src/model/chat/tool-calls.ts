type Raw = Record<string, unknown>;

export type AssembledCall = { index: number; id: string; name: string; arguments: string };

/**
 * Assembles streamed `delta.tool_calls`: each call is keyed by its `index`; the id and name come
 * in its first chunk, the arguments are concatenated over the rest. Servers that leave out
 * `index` are handled by id (a new id starts a new call), then by position.
 */
export class ToolCallAssembler {
  readonly #calls = new Map<number, AssembledCall>();
  #last = -1;

  push(deltas: unknown): void {
    if (!Array.isArray(deltas)) return;
    deltas.forEach((value, position) => {
      if (typeof value !== "object" || value === null) return;
      const delta = value as Raw;
      const fn = (typeof delta.function === "object" && delta.function !== null ? delta.function : {}) as Raw;
      const id = typeof delta.id === "string" ? delta.id : "";
      const index = this.#indexOf(delta, id, position);
      let call = this.#calls.get(index);
      if (!call) {
        call = { index, id: "", name: "", arguments: "" };
        this.#calls.set(index, call);
      }
      this.#last = index;
      if (id && !call.id) call.id = id;
      if (typeof fn.name === "string" && fn.name && !call.name) call.name = fn.name;
      if (typeof fn.arguments === "string") call.arguments += fn.arguments;
      else if (typeof fn.arguments === "object" && fn.arguments !== null)
        call.arguments = JSON.stringify(fn.arguments);
    });
  }

  #indexOf(delta: Raw, id: string, position: number): number {
    if (typeof delta.index === "number" && Number.isInteger(delta.index)) return delta.index;
    if (id) {
      for (const call of this.#calls.values()) if (call.id === id) return call.index;
      return this.#calls.size === 0 ? position : Math.max(...this.#calls.keys()) + 1;
    }
    return this.#last >= 0 ? this.#last : position;
  }

  /** The calls in index order; calls without a name are dropped (nothing could run them). */
  calls(): AssembledCall[] {
    return [...this.#calls.values()].filter((call) => call.name !== "").sort((a, b) => a.index - b.index);
  }

  get argumentChars(): number {
    let total = 0;
    for (const call of this.#calls.values()) total += call.name.length + call.arguments.length;
    return total;
  }
}
