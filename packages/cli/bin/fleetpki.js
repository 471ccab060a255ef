#!/usr/bin/env node
// The `fleetpki` command: the compiled CLI run against the real process.
import { main } from '../dist/src/main.js';
import { processIo } from '../dist/src/terminal.js';

process.exitCode = await main(process.argv, processIo());
