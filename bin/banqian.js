#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx banqian` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/adapters/cli/main.ts');
