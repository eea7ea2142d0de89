#!/usr/bin/env node
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2));
// `start` keeps running (its signal handlers exit); every other command ends here.
if (process.argv[2] !== 'start') process.exit(code);
else if (code !== 0) process.exit(code);
