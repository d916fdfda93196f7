/** What an uploaded archive may hold; past any of these it is refused with a clear 4xx. */
export type ArchiveLimits = {
  maxEntries: number;
  maxUnpackedBytes: number;
  /** Unpacked bytes per archive byte. */
  maxRatio: number;
  /** The ratio is judged once this much is unpacked: a tiny archive of one repetitive file is no bomb. */
  ratioFloorBytes: number;
};

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 100_000,
  maxUnpackedBytes: 2 * 1024 ** 3,
  maxRatio: 100,
  ratioFloorBytes: 1024 ** 2,
};

/** The archive is refused: the message says why, for the uploader. */
export class ArchiveError extends Error {
  override name = "ArchiveError";
}

/** Counts entries and unpacked bytes against the limits as an archive is read. */
export class ArchiveBudget {
  entries = 0;
  bytes = 0;

  constructor(
    private readonly limits: ArchiveLimits,
    private readonly archiveBytes: number,
  ) {}

  entry(): void {
    this.entries++;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveError(`the archive has more than ${this.limits.maxEntries} entries`);
    }
  }

  /** Adds unpacked bytes (declared or written) and checks the size and the compression ratio. */
  add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.maxUnpackedBytes) {
      throw new ArchiveError(`the archive unpacks to more than ${formatBytes(this.limits.maxUnpackedBytes)}`);
    }
    if (this.bytes > this.limits.ratioFloorBytes && this.bytes > this.archiveBytes * this.limits.maxRatio) {
      throw new ArchiveError(
        `the archive expands more than ${this.limits.maxRatio}:1 (${formatBytes(this.archiveBytes)} packed, over ${formatBytes(this.bytes)} unpacked)`,
      );
    }
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(2)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(2)} KiB`;
  return `${n} bytes`;
}
