// The job the page watches: attach to an id (after a submit, a reload, an "open" or a redo) and
// keep its view up to date from watch.ts until it ends.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { lastJob } from './storage.js';
import { watchJob, type KeyframeShot } from './watch.js';
import type { JobView } from './watch-panel.js';

/** The watched job, and `attach` to watch another. */
export function useJob(key: string | null, events: boolean, onUnauthorized: () => void): { job: JobView | null; attach: (id: string) => void } {
  const [job, setJob] = useState<JobView | null>(null);
  const controller = useRef<AbortController | null>(null);
  const attach = useCallback(
    (id: string) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      lastJob.set(id);
      setJob({ id, status: 'queued', progress: null, keyframes: [], outputs: [], message: null });
      const patch = (f: (j: JobView) => JobView) => setJob((j) => (j && j.id === id && !c.signal.aborted ? f(j) : j));
      const byOrder = (a: KeyframeShot, b: KeyframeShot) => a.sample - b.sample || a.index - b.index;
      void watchJob(
        id,
        key,
        {
          progress: (progress, status) => patch((j) => ({ ...j, status, progress })),
          keyframe: (k) => patch((j) => ({ ...j, keyframes: [...j.keyframes.filter((x) => x.index !== k.index || x.sample !== k.sample), k].sort(byOrder) })),
          done: (outputs) => patch((j) => ({ ...j, status: 'success', outputs })),
          failed: (message, status) => {
            if (status === 'unauthorized') onUnauthorized();
            patch((j) => ({ ...j, status: status === 'unauthorized' ? 'error' : status, message }));
          },
        },
        c.signal,
        events,
      );
    },
    [key, events, onUnauthorized],
  );
  useEffect(() => () => controller.current?.abort(), []);
  return { job, attach };
}
