import { estimatedBytes, type ResponseItem } from "../model/items.js";

/**
 * The conversation as sent to the model: append-only, each item serialised once. Request N+1's
 * input therefore starts byte-for-byte with request N's, and building a request is one join.
 */
export class History {
  #items: ResponseItem[] = [];
  #json: string[] = [];
  #sizes: number[] = [];

  constructor(items: readonly ResponseItem[] = []) {
    for (const item of items) this.push(item);
  }

  push(item: ResponseItem): void {
    this.#items.push(item);
    const json = JSON.stringify(item);
    this.#json.push(json);
    this.#sizes.push(estimatedBytes(item, json));
  }

  get items(): readonly ResponseItem[] {
    return this.#items;
  }

  get json(): readonly string[] {
    return this.#json;
  }

  /** Each item's size for token estimates (images counted by what they cost, not their data URL). */
  get sizes(): readonly number[] {
    return this.#sizes;
  }

  get length(): number {
    return this.#items.length;
  }
}
