#!/usr/bin/env node
// `npx roster …`: runs the TypeScript CLI through tsx, the same way `npm start` does.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
