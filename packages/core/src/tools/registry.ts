import { type Tool, type ToolSpec, toolSpec } from "./tool.js";

/**
 * The tools of a session, in a fixed order. The order and the specs' JSON are computed once:
 * the tool list is part of the cached prompt prefix.
 */
export class ToolRegistry {
  readonly #tools: Tool[];
  readonly #byName = new Map<string, Tool>();
  #specs: ToolSpec[] | null = null;
  #specsJson: string | null = null;

  constructor(tools: readonly Tool[]) {
    this.#tools = [...tools];
    for (const tool of this.#tools) {
      if (this.#byName.has(tool.name)) throw new Error(`duplicate tool name: ${tool.name}`);
      this.#byName.set(tool.name, tool);
    }
  }

  get(name: string): Tool | undefined {
    return this.#byName.get(name);
  }

  get tools(): readonly Tool[] {
    return this.#tools;
  }

  get names(): string[] {
    return this.#tools.map((tool) => tool.name);
  }

  specs(): ToolSpec[] {
    this.#specs ??= this.#tools.map(toolSpec);
    return this.#specs;
  }

  specsJson(): string {
    this.#specsJson ??= JSON.stringify(this.specs());
    return this.#specsJson;
  }
}
