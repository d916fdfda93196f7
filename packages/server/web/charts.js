// Inline SVG charts. Every text goes in as a text node: nothing from the API becomes markup.

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const W = 640;
const H = 200;
const PAD = { left: 52, right: 12, top: 12, bottom: 26 };

function frame(label) {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label });
  root.append(svg("title", {}, label));
  return root;
}

export const money = (n) => `$${Number(n).toFixed(n < 1 ? 4 : 2)}`;

export function duration(s) {
  const total = Math.max(0, Math.round(Number(s) || 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h ? `${h}h${String(m).padStart(2, "0")}m` : m ? `${m}m${String(sec).padStart(2, "0")}s` : `${sec}s`;
}

/** Cost (y) over seconds of work (x), with the budget as a dashed line. points: [{t, cost}]. */
export function costChart(points, maxCost) {
  const label = `Cost over time: ${money(points.at(-1)?.cost ?? 0)} of ${money(maxCost)}`;
  const root = frame(label);
  const tMax = Math.max(1, ...points.map((p) => p.t));
  const yMax = Math.max(maxCost, ...points.map((p) => p.cost)) * 1.05 || 1;
  const x = (t) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const y = (c) => H - PAD.bottom - (c / yMax) * (H - PAD.top - PAD.bottom);
  root.append(
    svg("line", {
      x1: PAD.left,
      y1: y(0),
      x2: W - PAD.right,
      y2: y(0),
      stroke: "currentColor",
      "stroke-opacity": 0.3,
    }),
    svg("line", {
      x1: PAD.left,
      y1: y(maxCost),
      x2: W - PAD.right,
      y2: y(maxCost),
      stroke: "#b42318",
      "stroke-dasharray": "6 4",
      "data-role": "budget",
    }),
    svg("text", { x: PAD.left - 4, y: y(maxCost) + 4, "text-anchor": "end" }, money(maxCost)),
    svg("text", { x: PAD.left - 4, y: y(0) + 4, "text-anchor": "end" }, "$0"),
    svg("text", { x: W - PAD.right, y: H - 6, "text-anchor": "end" }, duration(tMax)),
  );
  if (points.length) {
    const line = points.map((p) => `${x(p.t).toFixed(1)},${y(p.cost).toFixed(1)}`).join(" ");
    root.append(
      svg("polyline", {
        points: line,
        fill: "none",
        stroke: "#1d5fbf",
        "stroke-width": 2,
        "data-role": "cost",
      }),
    );
    const last = points.at(-1);
    root.append(svg("circle", { cx: x(last.t), cy: y(last.cost), r: 3, fill: "#1d5fbf" }));
  }
  return root;
}

/** Checkpoints along the seconds of work: green or red marks, numbered. */
export function timeline(checkpoints, elapsed) {
  const root = frame(`${checkpoints.length} checkpoint(s)`);
  root.setAttribute("viewBox", `0 0 ${W} 70`);
  const tMax = Math.max(1, elapsed, ...checkpoints.map((c) => c.at_s));
  const x = (t) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  root.append(
    svg("line", {
      x1: PAD.left,
      y1: 30,
      x2: W - PAD.right,
      y2: 30,
      stroke: "currentColor",
      "stroke-opacity": 0.4,
    }),
  );
  for (const c of checkpoints) {
    const mark = svg("g", { "data-role": "checkpoint", "data-green": c.green ? "true" : "false" });
    mark.append(
      svg(
        "title",
        {},
        `checkpoint ${c.n} (${c.green ? "green" : "red"}) at ${duration(c.at_s)}, ${money(c.cost_usd)}${c.reason ? `: ${c.reason}` : ""}`,
      ),
      svg("circle", { cx: x(c.at_s), cy: 30, r: 6, fill: c.green ? "#177245" : "#b42318" }),
      svg("text", { x: x(c.at_s), y: 54, "text-anchor": "middle" }, `#${c.n}`),
    );
    root.append(mark);
  }
  root.append(svg("text", { x: W - PAD.right, y: 66, "text-anchor": "end" }, duration(tMax)));
  return root;
}
