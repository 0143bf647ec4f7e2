/**
 * Peak memory of a whole `vertical-9x16` render (samples/requests/vertical-story.json): the Node
 * process (its own peak RSS) and the ffmpeg it starts (VmRSS sampled from /proc every 0.2 s, on
 * Linux), for the classical engine and, as the same run's baseline, the mirror engine. Run from
 * sources through tsx, which adds its loader to the Node figure (a compiled render:
 * `/usr/bin/time -v node bin/zoomwalk.js render …`, docs/classical-engine.md "Memory").
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** VmRSS in KB of every process whose parent is `ppid`, summed per command name. */
function childrenRss(ppid: number): Map<string, number> {
  const out = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== ppid) continue;
      const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '?';
      out.set(name, (out.get(name) ?? 0) + Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

/** Peak RSS (MB) of the render's Node process and of its ffmpeg. */
async function peaks(engine: string): Promise<{ node: number; ffmpeg: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'memory-child.ts'), engine], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
  let ffmpeg = 0;
  const timer = setInterval(() => {
    ffmpeg = Math.max(ffmpeg, childrenRss(child.pid!).get('ffmpeg') ?? 0);
  }, 200);
  try {
    const [code] = (await once(child, 'close')) as [number];
    if (code !== 0) throw new Error(`memory child (${engine}) exited with ${code}`);
  } finally {
    clearInterval(timer);
  }
  return { node: Number(text.trim()) / 1024, ffmpeg: ffmpeg / 1024 };
}

/** Prints the table. */
export async function benchMemory(): Promise<void> {
  console.log('\n## Peak memory of the `vertical-9x16` render (samples/requests/vertical-story.json, from sources)\n');
  console.log('| engine | Node MB | ffmpeg MB | target (largest process) |');
  console.log('| --- | --- | --- | --- |');
  for (const engine of ['classical', 'mirror']) {
    const p = await peaks(engine);
    const worst = Math.max(p.node, p.ffmpeg);
    const target = engine === 'classical' ? `≤ 600 ${worst <= 600 ? '(met)' : '(missed)'}` : '—';
    console.log(`| ${engine} | ${p.node.toFixed(0)} | ${p.ffmpeg > 0 ? p.ffmpeg.toFixed(0) : '—'} | ${target} |`);
  }
}
