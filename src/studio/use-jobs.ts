// The jobs list, refreshed every few seconds while the page is visible and on demand.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, type JobSummary } from './api.js';

const REFRESH_MS = 4000;

/** Recent jobs (null until the first answer), a message when they cannot be read, and `refresh`. */
export function useJobs(key: string | null, enabled: boolean): { jobs: JobSummary[] | null; message: string | null; refresh: () => void } {
  const [jobs, setJobs] = useState<JobSummary[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const refresh = useCallback(() => {
    if (!enabled) return;
    void api.jobs(10, key).then((r) => {
      if (r.ok) {
        setJobs(r.json.jobs);
        setMessage(null);
      } else setMessage(r.status === 401 ? 'The job list needs the API key.' : `The job list could not be read: ${r.message}`);
    });
  }, [key, enabled]);
  useEffect(() => {
    refresh();
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [refresh]);
  return { jobs, message, refresh };
}
