// The page's side of the API: every call carries the key the person pasted.

export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export function createApi(getKey) {
  async function request(path, init = {}) {
    const key = getKey();
    if (!key) throw new ApiError(401, "authentication_error", "Paste your API key first.");
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${key}`);
    const response = await fetch(path, { ...init, headers });
    if (!response.ok) {
      let type = "api_error";
      let message = `The server answered ${response.status}.`;
      try {
        const body = await response.json();
        if (typeof body?.error?.message === "string") message = body.error.message;
        if (typeof body?.error?.type === "string") type = body.error.type;
      } catch {
        // not JSON: keep the status
      }
      throw new ApiError(response.status, type, message);
    }
    return response;
  }
  const json = async (path, init) => (await request(path, init)).json();
  const id = (value) => encodeURIComponent(value);
  return {
    listTasks: () => json("/v1/agent_tasks?limit=50"),
    task: (taskId) => json(`/v1/agent_tasks/${id(taskId)}`),
    agent: (agentId) => json(`/v1/agents/${id(agentId)}`),
    report: (taskId) => json(`/v1/agent_tasks/${id(taskId)}/report`),
    cancel: (taskId) => json(`/v1/agent_tasks/${id(taskId)}/cancel`, { method: "POST" }),
    file: (fileId) => json(`/v1/files/${id(fileId)}`),
    fileContent: async (fileId) => (await request(`/v1/files/${id(fileId)}/content`)).blob(),
    /** Follows a task's events (stored, then live) until its end; resolves when the stream ends. */
    async followEvents(taskId, after, onEvent, signal) {
      const response = await request(`/v1/agent_tasks/${id(taskId)}/events?after=${after}`, {
        headers: { accept: "text/event-stream" },
        signal,
      });
      await readEventStream(response.body, onEvent);
    },
  };
}

/** Reads text/event-stream: calls onEvent(name, data) for each event. */
export async function readEventStream(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const text = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = text;
        if (field === "data") data.push(text);
      }
      if (data.length) onEvent(name, data.join("\n"));
      end = buffer.indexOf("\n\n");
    }
  }
}
