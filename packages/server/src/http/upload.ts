import type { IncomingMessage } from "node:http";
import path from "node:path";
import busboy from "busboy";
import { badRequest, tooLarge, unsupportedMedia } from "../api/errors.js";
import { formatBytes } from "../archive/limits.js";
import { type BlobStore, BlobTooLargeError, type StoredBlob } from "../storage/blobs.js";

export type Upload = { blob: StoredBlob; filename: string; fields: Record<string, string> };

/**
 * Reads a multipart upload with busboy, streaming the `file` part into the blob store (never
 * whole into memory). Over `maxBytes` it answers 413; `check` sees the complete file before it is
 * kept (the archive inspection) and may refuse it.
 */
export function receiveUpload(
  incoming: IncomingMessage,
  blobs: BlobStore,
  maxBytes: number,
  check: (file: string) => Promise<void>,
): Promise<Upload> {
  const type = incoming.headers["content-type"] ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) {
    return Promise.reject(
      unsupportedMedia("upload the file as multipart/form-data with the fields file and purpose"),
    );
  }
  const declared = Number(incoming.headers["content-length"] ?? 0);
  if (declared > maxBytes + 1024 * 1024) {
    return Promise.reject(tooLarge(`the upload is over the limit of ${formatBytes(maxBytes)}`));
  }
  return new Promise<Upload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let stored: Promise<{ blob: StoredBlob; filename: string }> | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: incoming.headers,
        limits: { files: 1, fields: 10, fieldSize: 4096, parts: 12 },
      });
    } catch (err) {
      reject(badRequest(`the multipart body cannot be read: ${(err as Error).message}`));
      return;
    }
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || stored) {
        stream.resume();
        return;
      }
      const filename = path.basename(info.filename || "upload").slice(0, 255);
      stored = blobs.put(stream, maxBytes, check).then((blob) => ({ blob, filename }));
      stored.catch(() => {}); // awaited on close
    });
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("error", (err: Error) =>
      reject(badRequest(`the multipart body cannot be read: ${err.message}`)),
    );
    parser.on("close", () => {
      if (!stored) return reject(badRequest('the upload has no "file" part'));
      stored.then(
        ({ blob, filename }) => resolve({ blob, filename, fields }),
        (err: unknown) =>
          reject(
            err instanceof BlobTooLargeError
              ? tooLarge(`the upload is over the limit of ${formatBytes(maxBytes)}`)
              : err,
          ),
      );
    });
    incoming.on("aborted", () => reject(badRequest("the upload was interrupted")));
    incoming.pipe(parser);
  });
}
