#!/usr/bin/env node
// The jit CLI: runs tools/cli/main.ts through ts-node, transpile-only (no type check at start-up; `npm test` has one).
const path = require("node:path");

require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../tools/cli/main").main();
