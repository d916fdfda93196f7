import type { RequestOptions, Transport } from "../transport.js";
import type { FileObject } from "../types.js";
import { toFile, type Uploadable } from "../uploads.js";

export type FileCreateParams = {
  /** The project as a .zip or .tar.gz (at most 256 MiB). */
  file: Uploadable;
  purpose: "agent";
  /** The file's name (default: the File's or stream path's name). */
  filename?: string;
};

/** Files: uploaded projects and the tasks' outputs. */
export class Files {
  constructor(private readonly transport: Transport) {}

  async create(params: FileCreateParams, options?: RequestOptions): Promise<FileObject> {
    const file = await toFile(params.file, params.filename);
    return this.transport.json<FileObject>(
      {
        method: "POST",
        path: "/v1/files",
        body: () => {
          const form = new FormData();
          form.set("purpose", params.purpose);
          form.set("file", file, file.name);
          return form;
        },
      },
      options,
    );
  }

  retrieve(id: string, options?: RequestOptions): Promise<FileObject> {
    return this.transport.json<FileObject>(
      { method: "GET", path: `/v1/files/${encodeURIComponent(id)}` },
      options,
    );
  }

  /** The file's bytes as a Response (stream it with .body, or read .arrayBuffer()). */
  content(id: string, options?: RequestOptions): Promise<Response> {
    return this.transport.response(
      { method: "GET", path: `/v1/files/${encodeURIComponent(id)}/content`, accept: "*/*" },
      options,
    );
  }
}
