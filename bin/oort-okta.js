#!/usr/bin/env node
// `npx oort-okta …` (package.json "bin"): the operator CLI, cli/main.ts, run by the node that runs this file, with
// tsx's loader registered in this process (tsx is a runtime dependency, so this works wherever the project is
// installed). Under npx and npm scripts that node is the project's own (node_modules/.bin/node, package.json).
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
