import type { ResponseItem } from "../model/items.js";

/**
 * The conversation as sent to the model: append-only, each item serialised once. Request N+1's
 * input therefore starts byte-for-byte with request N's, and building a request is one join.
 */
export class History {
  #items: ResponseItem[] = [];
  #json: string[] = [];

  constructor(items: readonly ResponseItem[] = []) {
    for (const item of items) this.push(item);
  }

  push(item: ResponseItem): void {
    this.#items.push(item);
    this.#json.push(JSON.stringify(item));
  }

  get items(): readonly ResponseItem[] {
    return this.#items;
  }

  get json(): readonly string[] {
    return this.#json;
  }

  get length(): number {
    return this.#items.length;
  }
}
