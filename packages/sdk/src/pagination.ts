import type { Page } from "./types.js";

/**
 * What `list` returns: await it for one page, or iterate it with `for await` to walk every item
 * of every page (the next page starts after the last id of the one before).
 */
export class PagePromise<T extends { id: string }> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  #first: Promise<Page<T>> | null = null;

  constructor(private readonly fetchPage: (after: string | undefined) => Promise<Page<T>>) {}

  #page(): Promise<Page<T>> {
    this.#first ??= this.fetchPage(undefined);
    return this.#first;
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is awaited like a promise of the first page
  then<A = Page<T>, B = never>(
    onfulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#page().then(onfulfilled, onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page = await this.#page();
    for (;;) {
      yield* page.data;
      if (!page.has_more || page.last_id === null) return;
      page = await this.fetchPage(page.last_id);
    }
  }
}
