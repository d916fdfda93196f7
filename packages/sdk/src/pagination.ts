import type { Page } from "./types.js";

/**
 * What `list` returns: await it for one page, or iterate it with `for await` to walk every item
 * of every page (the next page starts after the last id of the one before).
 */
export class PagePromise<T extends { id: string }> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #first: Promise<Page<T>>;

  /** The first page is asked for at once. */
  constructor(private readonly fetchPage: (after: string | undefined) => Promise<Page<T>>) {
    this.#first = fetchPage(undefined);
    this.#first.catch(() => {}); // reported to whoever awaits or iterates
  }

  #page(): Promise<Page<T>> {
    return this.#first;
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is awaited like a promise of the first page
  then<A = Page<T>, B = never>(
    onfulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#page().then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page<T> | B> {
    return this.#page().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.#page().finally(onfinally);
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
