import path from "node:path";

/**
 * Whether `child` is `parent` itself or lies below it. Both must be absolute and normalised (no
 * symlink resolution happens here). A sibling such as `<parent>/..x` is inside; `<parent>/../x` is not.
 */
export function isPathInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
