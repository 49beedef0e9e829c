#!/usr/bin/env node
// The command itself is lib/cli/bin.ts. `npm run build` replaces this file's output with the bundle
// of that module (scripts/bundle.mjs); without the bundle step, this import runs the same code.
import '../lib/cli/bin.js';
