import type { ModelRequest } from "../client.js";
import type { ResponseItem } from "../items.js";

/** The opaque part of an item: encrypted reasoning or a compaction, which only its writer can read. */
export function opaqueBlob(item: ResponseItem): string | null {
  if (item.type === "reasoning") return item.encrypted_content ? item.encrypted_content : null;
  if (item.type === "compaction") return item.encrypted_content;
  return null;
}

/**
 * Which provider wrote each opaque item, keyed by its blob (which survives serialisation, unlike
 * the item object). An item nobody noted was written by the session's own provider — unless a
 * provider said it cannot read such items, after which it gets only the ones noted as its own.
 */
export class ItemOrigins {
  readonly #home: string;
  readonly #byBlob = new Map<string, string>();
  readonly #strict = new Set<string>();

  constructor(homeProvider: string) {
    this.#home = homeProvider;
  }

  note(item: ResponseItem, providerId: string): void {
    const blob = opaqueBlob(item);
    if (blob) this.#byBlob.set(blob, providerId);
  }

  /** From now on `providerId` gets only the opaque items noted as its own. */
  trustOnlyNoted(providerId: string): boolean {
    if (this.#strict.has(providerId)) return false;
    this.#strict.add(providerId);
    return true;
  }

  readableBy(blob: string, providerId: string): boolean {
    const origin = this.#byBlob.get(blob);
    if (origin !== undefined) return origin === providerId;
    return !this.#strict.has(providerId) && this.#home === providerId;
  }
}

export type PortableInput = {
  input: ResponseItem[];
  inputJson: string[];
  /** Opaque items left out, by kind. */
  dropped: { reasoning: number; compaction: number };
};

/**
 * The request's input as `providerId` may receive it over the Responses wire: reasoning and
 * compaction items another provider wrote are left out (they cannot be read there, and their
 * encrypted content must not travel to another provider). Each item is judged on its own, so the
 * input of the next request to the same provider starts with this one's, byte for byte.
 * Returns null when nothing is left out (the request goes as it is). The Chat Completions wire
 * never sends opaque content, so its requests need no filtering.
 */
export function portableInput(
  request: Pick<ModelRequest, "input" | "inputJson">,
  providerId: string,
  origins: ItemOrigins,
): PortableInput | null {
  let kept: number[] | null = null;
  const dropped = { reasoning: 0, compaction: 0 };
  for (let i = 0; i < request.input.length; i++) {
    const item = request.input[i]!;
    const blob = opaqueBlob(item);
    const foreign = blob !== null && !origins.readableBy(blob, providerId);
    if (foreign) {
      kept ??= Array.from({ length: i }, (_, j) => j);
      if (item.type === "compaction") dropped.compaction++;
      else dropped.reasoning++;
    } else kept?.push(i);
  }
  if (!kept) return null;
  return {
    input: kept.map((i) => request.input[i]!),
    inputJson: kept.map((i) => request.inputJson[i]!),
    dropped,
  };
}
