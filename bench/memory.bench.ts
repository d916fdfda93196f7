// Peak memory of the real CLI (`nightshift exec`, bundled, sandboxed in workspace-write) for a
// 30-step session of `bash -lc` commands, and over a session of 1,000 requests, against the fake
// model server. Peak is the CLI process's own maximum resident set size.
import { bashLcSteps, mib, runCliSession } from "./cli-session.js";
import { fmtMs, median, table } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LONG = Number(process.env.BENCH_LONG_REQUESTS ?? 1000);

const short = [];
for (let i = 0; i < RUNS; i++) short.push(await runCliSession(bashLcSteps(30)));
// 1,000 requests: every one answers with a `bash -lc` command but the last.
const long = await runCliSession(bashLcSteps(LONG - 1));

console.log(
  table([
    ["session", "peak RSS (max)", "CLI CPU (median)", "wall (median)", "aim"],
    [
      "30 bash -lc steps",
      mib(Math.max(...short.map((run) => run.peakRssMiB))),
      fmtMs(median(short.map((run) => run.cpuMs))),
      fmtMs(median(short.map((run) => run.wallMs))),
      "peak < 160 MiB",
    ],
    [
      `${LONG} requests (bash -lc steps)`,
      mib(long.peakRssMiB),
      fmtMs(long.cpuMs),
      fmtMs(long.wallMs),
      "peak < 200 MiB",
    ],
  ]),
);
console.log(`(${RUNS} runs of the 30-step session, 1 of the long one; Node ${process.version})`);
