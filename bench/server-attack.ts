/**
 * Attack benches against `zoomwalk serve` in a child process on 127.0.0.1 (bounded counts and time):
 * 1,000 slow connections (headers dripped, never finished) while /health is timed, against the same
 * /health timing without them; and 20 concurrent 22 MB bodies with a wrong key (sent first, then
 * last), printing the server's peak RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const SLOW = 1000;
const PROBES = 200;
const BODIES = 20;
const BODY_BYTES = 22 * 1024 * 1024;
const RSS_LIMIT_MB = 300;

interface Child {
  readonly proc: ChildProcess;
  readonly port: number;
  peakRssMb(): Promise<number>;
  stop(): Promise<void>;
}

async function startChild(overrides: Record<string, unknown> = {}): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'server-child.ts'), JSON.stringify(overrides)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buf = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const next = (): Promise<string> => (lines.length ? Promise.resolve(lines.shift()!) : new Promise((r) => waiters.push(r)));
  const port = Number(new URL(await next()).port);
  return {
    proc,
    port,
    async peakRssMb() {
      proc.stdin!.write('rss\n');
      return Number((await next()).split(' ')[1]) / 1024;
    },
    async stop() {
      proc.stdin!.end();
      await once(proc, 'exit');
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** GET /health on a new connection each time; resolves with the latency in ms. */
function health(port: number): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume().on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`/health answered ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

async function probe(port: number): Promise<{ p50: number; p99: number }> {
  const ms: number[] = [];
  for (let i = 0; i < PROBES; i++) ms.push(await health(port));
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/** Opens SLOW sockets that send a request line and then one header line a second, never the end. */
async function slowSockets(port: number): Promise<{ sockets: Socket[]; closedByServer: () => number; stop: () => void }> {
  const sockets: Socket[] = [];
  let closed = 0;
  let stopping = false;
  for (let batch = 0; batch < SLOW; batch += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, SLOW - batch) }, async () => {
        const s = connect(port, '127.0.0.1');
        s.on('error', () => undefined);
        s.once('close', () => void (stopping ? undefined : closed++));
        await once(s, 'connect');
        s.write('POST /api/v5/outpaint HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        sockets.push(s);
      }),
    );
  }
  const drip = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write('X-Slow: 1\r\n');
  }, 1000);
  return {
    sockets,
    closedByServer: () => closed,
    stop: () => {
      stopping = true;
      clearInterval(drip);
      for (const s of sockets) s.destroy();
    },
  };
}

/** POSTs one body of BODY_BYTES, its key first or last; resolves with the status (or the error). */
function wrongKeyBody(port: number, keyFirst: boolean): Promise<string> {
  const head = keyFirst ? '{"key":"wrong-key","image":"' : '{"image":"';
  const tail = keyFirst ? '"}' : '","key":"wrong-key"}';
  return new Promise((resolve) => {
    let written = head.length;
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port, path: '/api/v5/outpaint', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(BODY_BYTES) } });
    req.on('response', (res) => {
      answered = true;
      res.resume().on('end', () => resolve(String(res.statusCode)));
    });
    req.on('error', (e) => void (answered ? undefined : resolve(e.message)));
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    req.write(head);
    const pump = (): void => {
      while (!answered && written < BODY_BYTES - tail.length) {
        const n = Math.min(chunk.length, BODY_BYTES - tail.length - written);
        written += n;
        if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      if (!answered) req.end(tail);
    };
    pump();
  });
}

async function slowConnections(): Promise<void> {
  const child = await startChild();
  try {
    await probe(child.port); // warm-up
    const baseline = await probe(child.port);
    const attack = await slowSockets(child.port);
    const during = await probe(child.port);
    const openAfterProbes = attack.sockets.filter((s) => !s.destroyed).length;
    // The default header timeout (10 s) then cuts them: wait for it, bounded.
    const t = performance.now();
    while (attack.closedByServer() < SLOW && performance.now() - t < 15_000) await new Promise((r) => setTimeout(r, 100));
    const cutAfter = (performance.now() - t) / 1000;
    const cut = attack.closedByServer();
    attack.stop();
    console.log(`\n## Slow connections (${SLOW} sockets dripping headers, server defaults: header timeout 10 s)\n`);
    console.log('| /health p50 ms, no attack | p99 | /health p50 ms, under attack | p99 | p99 ratio | slow sockets open while probing | cut by the server |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    console.log(`| ${baseline.p50.toFixed(2)} | ${baseline.p99.toFixed(2)} | ${during.p50.toFixed(2)} | ${during.p99.toFixed(2)} | ${(during.p99 / baseline.p99).toFixed(1)}× | ${openAfterProbes} | ${cut} (within ${cutAfter.toFixed(1)} s more) |`);
    if (during.p99 >= 100) throw new Error(`/health p99 ${during.p99.toFixed(1)} ms under attack (limit 100 ms)`);
  } finally {
    await child.stop();
  }
}

async function wrongKeyBodies(): Promise<void> {
  console.log(`\n## Wrong-key bodies (${BODIES} concurrent × 22 MB to /api/v5/outpaint, server in its own process)\n`);
  console.log('| key in the body | answers | server RSS at start MB | peak RSS MB | seconds |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const keyFirst of [true, false]) {
    const child = await startChild();
    try {
      const idle = await child.peakRssMb();
      const t = performance.now();
      const answers = await Promise.all(Array.from({ length: BODIES }, () => wrongKeyBody(child.port, keyFirst)));
      const seconds = (performance.now() - t) / 1000;
      const peak = await child.peakRssMb();
      const counts = Object.entries(answers.reduce<Record<string, number>>((m, a) => ({ ...m, [a]: (m[a] ?? 0) + 1 }), {})).map(([a, n]) => `${n}× ${a}`).join(', ');
      console.log(`| ${keyFirst ? 'first' : 'last'} | ${counts} | ${idle.toFixed(0)} | ${peak.toFixed(0)} | ${seconds.toFixed(1)} |`);
      if (peak >= RSS_LIMIT_MB) throw new Error(`peak RSS ${peak.toFixed(0)} MB (limit ${RSS_LIMIT_MB} MB)`);
    } finally {
      await child.stop();
    }
  }
}

/** Runs both attack benches and prints markdown tables. */
export async function benchServerAttacks(): Promise<void> {
  await slowConnections();
  await wrongKeyBodies();
}
