#!/usr/bin/env node
// Scenario files are TypeScript, loaded as they are: tsx compiles them in memory on
// import, so there is no build step between editing a scenario and running it.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
