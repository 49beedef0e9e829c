#!/usr/bin/env node
import { runCli } from '../lib/cli/io.js';
import { main } from '../lib/cli/main.js';

await runCli(main, process.argv.slice(2), process);
