import path from "node:path";

/**
 * Where the task server keeps its things: the database, secret and blobs under $NIGHTSHIFT_HOME;
 * the tasks' projects beside it (default `<home>-tasks`), since a sandboxed command may never write
 * inside nightshift's home.
 */
export function serverPaths(home: string, db?: string, tasksDir?: string) {
  return {
    db: db ? path.resolve(db) : path.join(home, "serve.db"),
    secretKey: path.join(home, "serve-secret.key"),
    blobs: path.join(home, "blobs"),
    tasks: tasksDir ? path.resolve(tasksDir) : `${path.resolve(home)}-tasks`,
  };
}
