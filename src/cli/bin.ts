#!/usr/bin/env node
import { runCli } from './program.js';

const LONG_RUNNING = ['start', 'simulator', 'demo'];

const code = await runCli(process.argv.slice(2));
// `start`, `simulator` and `demo` keep running (their signal handlers exit); every other command ends here.
if (!LONG_RUNNING.includes(process.argv[2] ?? '')) process.exit(code);
else if (code !== 0) process.exit(code);
