// npm run bench: every bench, printed as markdown; ratios are against baselines measured in the same run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchMemory } from './memory.js';
import { benchPipeline } from './pipeline.js';
import { benchQueue } from './queue.js';
import { benchServerAttacks } from './server-attack.js';
import { benchServerLoad } from './server-load.js';
import { benchStorage } from './storage.js';

console.log(`# zoomwalk bench — node ${process.version}, ${new Date().toISOString()}`);
await benchPipeline();
await benchServerLoad();
await benchQueue();
await benchStorage();
await benchServerAttacks();
await benchMemory();
const classical = join(import.meta.dirname, 'classical.ts');
if (existsSync(classical)) await import(classical);
