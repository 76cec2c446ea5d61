#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the checkout and the installed package behave alike.
import { register } from 'tsx/esm/api';
register();
await import('../core/cli/main.ts');
