import { Readable } from "node:stream";
import type { Hono } from "hono";
import { badRequest, notFound } from "../../api/errors.js";
import { honoPath, ROUTES } from "../../api/routes.js";
import { fileObject } from "../../api/serialize.js";
import { inspectArchive } from "../../archive/unpack.js";
import type { FileRow } from "../../storage/types.js";
import { newId } from "../../util/ids.js";
import type { AppDeps, Env } from "../deps.js";
import { receiveUpload } from "../upload.js";

const CONTENT_TYPES: Record<string, string> = {
  zip: "application/zip",
  "tar.gz": "application/gzip",
  tar: "application/x-tar",
  patch: "text/x-diff; charset=utf-8",
};

export function fileRoutes(app: Hono<Env>, deps: AppDeps): void {
  app.post(honoPath(ROUTES.createFile.path), async (c) => {
    let format = "";
    const upload = await receiveUpload(c.env.incoming, deps.blobs, deps.maxUploadBytes, async (file) => {
      format = (await inspectArchive(file, deps.archiveLimits)).format;
    });
    if (upload.fields.purpose !== "agent") throw badRequest('purpose must be "agent"');
    const row: FileRow = {
      id: newId("file"),
      owner: c.get("key").id,
      created_at: deps.clock.now(),
      bytes: upload.blob.bytes,
      filename: upload.filename,
      purpose: "agent",
      sha256: upload.blob.sha256,
      blob_key: upload.blob.key,
      format,
    };
    await deps.storage.insertFile(row);
    return c.json(fileObject(row));
  });

  app.get(honoPath(ROUTES.getFile.path), async (c) => {
    const id = c.req.param("id")!;
    const row = await deps.storage.getFile(c.get("key").id, id);
    if (!row) throw notFound("file", id);
    return c.json(fileObject(row));
  });

  app.get(honoPath(ROUTES.getFileContent.path), async (c) => {
    const id = c.req.param("id")!;
    const row = await deps.storage.getFile(c.get("key").id, id);
    if (!row) throw notFound("file", id);
    const body = Readable.toWeb(deps.blobs.open(row.blob_key)) as ReadableStream;
    return new Response(body, {
      headers: {
        "content-type": CONTENT_TYPES[row.format] ?? "application/octet-stream",
        "content-length": String(row.bytes),
        "content-disposition": `attachment; filename="${row.filename.replace(/["\\\r\n]/g, "_")}"`,
      },
    });
  });
}
