// The page: tasks with live status. Everything from the API is put in as text, never as markup.
import { ApiError, createApi } from "./api.js";
import { costChart, duration, money, timeline } from "./charts.js";

const KEY_STORE = "nightshift.apiKey";
const TERMINAL = new Set(["completed", "failed", "cancelled", "timed_out", "budget_exceeded"]);
const $ = (id) => document.getElementById(id);

/** An element with properties and children; strings become text nodes. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name.startsWith("data-") || name.startsWith("aria-")) node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const state = {
  key: localStorage.getItem(KEY_STORE) ?? "",
  selected: null,
  task: null,
  checkpoints: [],
  samples: [],
  follow: null,
  refreshSoon: null,
  poll: null,
};
const api = createApi(() => state.key);

function notice(text, isError = false) {
  $("notice").textContent = text;
  $("notice").className = isError ? "error" : "";
}

function failed(err) {
  if (err?.name === "AbortError") return;
  const text =
    err instanceof ApiError ? `${err.message} (${err.status} ${err.type})` : String(err?.message ?? err);
  notice(text, true);
}

// ---- the task list ----

async function loadTasks() {
  if (!state.key) return;
  try {
    const page = await api.listTasks();
    renderList(page.data);
    if ($("notice").className === "error") notice("");
  } catch (err) {
    failed(err);
  }
}

function stageText(task) {
  return task.stage ? `${task.stage.index}/${task.stage.total}` : "";
}

function renderList(tasks) {
  const list = $("task-list");
  list.replaceChildren(
    ...tasks.map((task) =>
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            className: "task-row",
            "data-id": task.id,
            "aria-current": String(task.id === state.selected),
            onclick: () => {
              location.hash = encodeURIComponent(task.id);
            },
          },
          el("span", { className: `status ${task.status}` }, task.status),
          ` ${task.id} `,
          stageText(task) ? `· stage ${stageText(task)} ` : "",
          `· ${money(task.cost_usd)}`,
          el("span", { className: "what" }, task.instructions),
        ),
      ),
    ),
  );
  if (!tasks.length) list.append(el("li", {}, "No tasks yet for this key."));
}

// ---- one task ----

function select(id) {
  state.follow?.abort();
  clearInterval(state.poll);
  Object.assign(state, { selected: id, task: null, checkpoints: [], samples: [], follow: null });
  for (const row of document.querySelectorAll(".task-row"))
    row.setAttribute("aria-current", String(row.dataset.id === id));
  $("detail").hidden = !id;
  if (!id) return;
  $("events").replaceChildren();
  $("report").textContent = "The report comes when the task ends.";
  $("detail-title").textContent = id;
  void openTask(id);
}

async function openTask(id) {
  try {
    await refreshTask(id);
    const follow = new AbortController();
    state.follow = follow;
    state.poll = setInterval(() => void refreshTask(id).catch(failed), 2000);
    $("detail-live").textContent = "● live";
    try {
      await api.followEvents(id, 0, (name, data) => onEvent(id, name, data), follow.signal);
    } finally {
      if (state.selected === id) {
        $("detail-live").textContent = "";
        clearInterval(state.poll);
      }
    }
    if (state.selected === id) await refreshTask(id);
  } catch (err) {
    if (state.selected === id) failed(err);
  }
}

async function refreshTask(id) {
  const task = await api.task(id);
  if (state.selected !== id) return;
  const ended = TERMINAL.has(task.status) && !TERMINAL.has(state.task?.status);
  state.task = task;
  if (task.started_at !== null) state.samples.push({ t: task.elapsed_s, cost: task.cost_usd });
  renderTask();
  if (ended) await loadReport(id);
}

function onEvent(id, name, data) {
  if (state.selected !== id || name === "end") return;
  let event;
  try {
    event = JSON.parse(data);
  } catch {
    return;
  }
  const summary = JSON.stringify(event.data ?? {});
  $("events").append(
    el(
      "li",
      { "data-type": String(event.type) },
      `#${event.seq} ${event.type} ${summary.length > 240 ? `${summary.slice(0, 240)}…` : summary}`,
    ),
  );
  const d = event.data ?? {};
  if (event.type === "run.checkpoint" && typeof d.at_s === "number") {
    state.checkpoints = state.checkpoints.filter((c) => c.n !== d.n);
    state.checkpoints.push({
      n: d.n,
      green: d.green === true,
      at_s: d.at_s,
      cost_usd: Number(d.cost_usd) || 0,
      reason: String(d.reason ?? ""),
    });
    state.samples.push({ t: d.at_s, cost: Number(d.cost_usd) || 0 });
    renderCharts();
  }
  clearTimeout(state.refreshSoon);
  state.refreshSoon = setTimeout(() => void refreshTask(id).catch(failed), 150);
}

function renderTask() {
  const task = state.task;
  $("detail-title").textContent = task.id;
  $("detail-instructions").textContent = task.instructions;
  const status = $("detail-status");
  status.textContent = task.status;
  status.className = `status ${task.status}`;
  $("detail-stage").textContent = task.stage
    ? `${task.stage.index}/${task.stage.total}: ${task.stage.title}`
    : "—";
  const bar = $("detail-stage-bar");
  bar.max = task.stage?.total ?? 1;
  bar.value = task.stage ? (task.status === "completed" ? task.stage.total : task.stage.index - 1) : 0;
  $("detail-cost").textContent = `${money(task.cost_usd)} of ${money(task.max_cost)}`;
  $("detail-elapsed").textContent = duration(task.elapsed_s);
  $("detail-error").textContent = task.error?.message ?? "—";
  $("download").hidden = !task.output_file_id;
  $("cancel").hidden = TERMINAL.has(task.status);
  const row = document.querySelector(`.task-row[data-id="${CSS.escape(task.id)}"] .status`);
  if (row) {
    row.textContent = task.status;
    row.className = `status ${task.status}`;
  }
  renderCharts();
}

function renderCharts() {
  const task = state.task;
  if (!task) return;
  const points = [{ t: 0, cost: 0 }, ...state.samples].sort((a, b) => a.t - b.t || a.cost - b.cost);
  $("cost-chart").replaceChildren(costChart(points, task.max_cost));
  const checkpoints = [...state.checkpoints].sort((a, b) => a.n - b.n);
  $("timeline").replaceChildren(timeline(checkpoints, task.elapsed_s));
}

async function loadReport(id) {
  try {
    const report = await api.report(id);
    if (state.selected === id) $("report").textContent = report.markdown;
  } catch (err) {
    if (state.selected === id) $("report").textContent = `No report: ${err.message}`;
  }
}

async function download() {
  const task = state.task;
  if (!task?.output_file_id) return;
  try {
    const [file, blob] = await Promise.all([
      api.file(task.output_file_id),
      api.fileContent(task.output_file_id),
    ]);
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: file.filename });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    failed(err);
  }
}

async function cancel() {
  const task = state.task;
  if (!task) return;
  try {
    await api.cancel(task.id);
    await refreshTask(task.id);
  } catch (err) {
    failed(err);
  }
}

// ---- wiring ----

function selectedFromHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  return id || null;
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.key = $("key-input").value.trim();
  localStorage.setItem(KEY_STORE, state.key);
  notice(state.key ? "Key saved in this browser." : "");
  void loadTasks();
  select(selectedFromHash());
});
$("key-forget").addEventListener("click", () => {
  localStorage.removeItem(KEY_STORE);
  state.key = "";
  $("key-input").value = "";
  $("task-list").replaceChildren();
  select(null);
  notice("Key forgotten.");
});
$("refresh").addEventListener("click", () => void loadTasks());
$("download").addEventListener("click", () => void download());
$("cancel").addEventListener("click", () => void cancel());
window.addEventListener("hashchange", () => select(selectedFromHash()));

$("key-input").value = state.key;
if (state.key) {
  void loadTasks();
  select(selectedFromHash());
} else notice("Paste an API key (nightshift serve keys create) to see your tasks.");
setInterval(() => void loadTasks(), 5000);
