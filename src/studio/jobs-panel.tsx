// The queue: recent jobs from GET /api/jobs with open, cancel and (where the server can) delete.
import type { JobSummary } from './api.js';

interface Props {
  readonly jobs: readonly JobSummary[] | null;
  readonly message: string | null;
  readonly canDelete: boolean;
  readonly current: string | null;
  readonly onOpen: (id: string) => void;
  readonly onCancel: (id: string) => void;
  readonly onDelete: (id: string) => void;
  readonly onRefresh: () => void;
}

function pct(j: JobSummary): string {
  if (j.status === 'success') return '100 %';
  const p = j.progress;
  if (!p) return '';
  const total = p.keyframesTotal + p.framesTotal;
  return total > 0 ? `${Math.floor((100 * (p.keyframes + p.frames)) / total)} %` : '';
}

/** The jobs section. */
export function JobsPanel(p: Props) {
  return (
    <section class="jobs" aria-labelledby="jobs-title">
      <div class="inline">
        <h2 id="jobs-title">Jobs</h2>
        <button type="button" onClick={p.onRefresh}>Refresh</button>
      </div>
      {p.message ? <p class="hint">{p.message}</p> : null}
      {p.jobs && p.jobs.length === 0 ? <p class="hint">No jobs yet.</p> : null}
      {p.jobs && p.jobs.length > 0 ? (
        <table>
          <caption class="visually-hidden">Recent jobs, newest first</caption>
          <thead>
            <tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {p.jobs.map((j) => {
              const running = j.status === 'queued' || j.status === 'processing';
              const short = j.id.slice(0, 8);
              return (
                <tr key={j.id} aria-current={j.id === p.current ? 'true' : undefined}>
                  <td class="job-id">{j.thumbnail ? <img class="thumb" src={j.thumbnail} alt="" /> : null}<code>{short}</code></td>
                  <td title={j.error ?? undefined}>{j.status} {pct(j)}</td>
                  <td><time dateTime={j.created_at}>{new Date(j.created_at).toLocaleTimeString()}</time></td>
                  <td class="actions">
                    <button type="button" aria-label={`Open job ${short}`} onClick={() => p.onOpen(j.id)}>Open</button>
                    {running ? <button type="button" aria-label={`Cancel job ${short}`} onClick={() => p.onCancel(j.id)}>Cancel</button> : null}
                    {!running && p.canDelete ? <button type="button" aria-label={`Delete job ${short} and its files`} onClick={() => p.onDelete(j.id)}>Delete</button> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
