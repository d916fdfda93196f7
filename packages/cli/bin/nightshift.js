#!/usr/bin/env node
// The published entry: the bundled CLI lives in ../dist (built by `npm run build`).
import "../dist/nightshift.js";
