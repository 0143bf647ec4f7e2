// Preloaded with `--import` into `zoomwalk worker` processes (and so into their render threads):
// the "busy" engine blocks its thread for ZW_BUSY_MS per call (a CPU-bound render that never
// yields), appends one line per call to ZW_BUSY_LOG, then fills the mask as the mirror engine does.
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { createMirrorEngine } from '../../src/engines/mirror.js';
import { registerEngine } from '../../src/engines/registry.js';

registerEngine('busy', () => {
  const mirror = createMirrorEngine();
  return {
    name: 'busy',
    outpaint(task, signal) {
      const until = Date.now() + Number(process.env['ZW_BUSY_MS'] ?? 2_000);
      while (Date.now() < until) {
        // spinning on purpose: nothing else runs in this thread meanwhile
      }
      const log = process.env['ZW_BUSY_LOG'];
      if (log) appendFileSync(log, `${process.pid} ${threadId} ${Date.now()}\n`);
      return mirror.outpaint(task, signal);
    },
  };
});
