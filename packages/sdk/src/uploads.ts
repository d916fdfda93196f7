/** What `files.create` takes as the file. */
export type Uploadable =
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  /** A stream (fs.createReadStream(path): read from its path, not into memory) or any chunks. */
  | AsyncIterable<Uint8Array | string>;

/**
 * The upload as a File with a name. A file stream with a path is opened as a file-backed Blob
 * (re-readable for retries, never whole in memory); other streams are read into memory.
 */
export async function toFile(value: Uploadable, filename?: string): Promise<File> {
  if (
    typeof File !== "undefined" &&
    value instanceof File &&
    (filename === undefined || filename === value.name)
  )
    return value;
  if (value instanceof Blob)
    return new File([value], filename ?? nameOf(value) ?? "upload", { type: value.type });
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes =
      value instanceof ArrayBuffer
        ? new Uint8Array(value)
        : new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);
    return new File([bytes], filename ?? "upload");
  }
  const streamPath = (value as { path?: unknown }).path;
  if (typeof streamPath === "string") {
    const [fs, path] = await Promise.all([import("node:fs"), import("node:path")]);
    (value as { destroy?: () => void }).destroy?.();
    const blob = await fs.openAsBlob(streamPath);
    return new File([blob], filename ?? path.basename(streamPath));
  }
  if (Symbol.asyncIterator in Object(value)) {
    const parts: Uint8Array[] = [];
    for await (const chunk of value as AsyncIterable<Uint8Array | string>)
      parts.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
    return new File(parts as BlobPart[], filename ?? "upload");
  }
  throw new TypeError("file must be a Blob, a File, bytes, a file stream or an async iterable of bytes");
}

function nameOf(value: Blob): string | undefined {
  const name = (value as { name?: unknown }).name;
  return typeof name === "string" && name ? name : undefined;
}
