// A `zoomwalk serve` in its own process for the attack benches, so its RSS is measured alone.
// argv[2]: JSON of ServerOptions overrides. Prints its URL; on each stdin line prints its peak RSS (KB).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../src/server/app.js';

const overrides = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const dataDir = await mkdtemp(join(tmpdir(), 'zoomwalk-attack-'));
const { app } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir, engine: 'mirror', auth: { open: false, keys: ['bench-key'] }, ...overrides });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${base}\n`);
process.stdin.setEncoding('utf8').on('data', () => process.stdout.write(`rss ${process.resourceUsage().maxRSS}\n`));
process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
