/** Scale-out on PostgreSQL: shared storage and blobs, the pg-boss segment queue, the worker pool. */
export { isPostgresUrl, type OpenedStorage, openStorage } from "../storage/open-storage.js";
export { postgresBlobStore, type SharedBlobStore } from "../storage/postgres/pg-blobs.js";
export { openPostgresStorage, type PostgresStorage } from "../storage/postgres/pg-storage.js";
export { queueScheduler } from "./queue-scheduler.js";
export type { SegmentResult } from "./segment.js";
export { DEFAULT_QUEUE_TIMING, type QueueTiming, SEGMENT_QUEUE } from "./task-queue.js";
export {
  DEFAULT_SEGMENT_MS,
  startWorkerPool,
  type WorkerPool,
  type WorkerPoolOptions,
} from "./worker-pool.js";
