#!/usr/bin/env node
// Runs the built CLI; build it first with `node packages/testkit/build.mjs` (or the root `npm run build`).
import { main } from "../dist/cli.js";

await main(process.argv.slice(2));
