/**
 * A first-come-first-served readers/writer lock. Read-only tools share it; a mutating tool waits
 * for the calls before it and holds back the calls after it, so side effects happen in call order.
 */
export class ReadWriteLock {
  #readers = 0;
  #writer = false;
  #queue: { write: boolean; grant: () => void }[] = [];

  acquire(write: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.#queue.push({ write, grant: () => resolve(() => this.#release(write)) });
      this.#drain();
    });
  }

  #release(write: boolean): void {
    if (write) this.#writer = false;
    else this.#readers--;
    this.#drain();
  }

  #drain(): void {
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      if (next.write) {
        if (this.#writer || this.#readers > 0) return;
        this.#writer = true;
      } else {
        if (this.#writer) return;
        this.#readers++;
      }
      this.#queue.shift();
      next.grant();
    }
  }
}
