import fs from "node:fs";
import path from "node:path";
import type { Hono } from "hono";
import type { Env } from "./deps.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The web page: a few files, read once, served with a strict content policy. */
export function staticRoutes(app: Hono<Env>, webRoot: string): void {
  const files = new Map<string, { body: string; type: string }>();
  for (const name of fs.readdirSync(webRoot)) {
    const type = TYPES[path.extname(name)];
    if (type) files.set(`/${name}`, { body: fs.readFileSync(path.join(webRoot, name), "utf8"), type });
  }
  const serve = (name: string) => {
    const file = files.get(name);
    if (!file) return null;
    return new Response(file.body, {
      headers: {
        "content-type": file.type,
        "cache-control": "no-cache",
        "content-security-policy":
          "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
      },
    });
  };
  app.get("/", () => serve("/index.html")!);
  for (const name of files.keys()) if (name !== "/index.html") app.get(name, () => serve(name)!);
}

/** Finds the page's folder: `web/` beside the package (sources) or beside the bundle (dist/web). */
export function findWebRoot(from: string): string | null {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "web", "index.html");
    if (fs.existsSync(candidate)) return path.dirname(candidate);
    dir = path.dirname(dir);
  }
  return null;
}
