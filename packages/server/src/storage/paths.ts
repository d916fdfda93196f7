import path from "node:path";

/** Where the task server keeps its things under $NIGHTSHIFT_HOME. */
export function serverPaths(home: string, db?: string) {
  return {
    db: db ? path.resolve(db) : path.join(home, "serve.db"),
    secretKey: path.join(home, "serve-secret.key"),
    blobs: path.join(home, "blobs"),
    tasks: path.join(home, "serve", "tasks"),
  };
}
