// Watching a job: a progress bar with ETA, the keyframes as a filmstrip while they are made,
// then the video with a download link. A keyframe offers "redo from here" where the server can.
import { useState } from 'preact/hooks';
import type { JobProgress } from './api.js';
import { formatDuration } from './estimate.js';
import type { KeyframeShot } from './watch.js';

/** What the page knows about the job it watches. */
export interface JobView {
  readonly id: string;
  readonly status: 'queued' | 'processing' | 'success' | 'error' | 'cancelled';
  readonly progress: JobProgress | null;
  readonly keyframes: readonly KeyframeShot[];
  readonly outputs: readonly string[];
  readonly message: string | null;
}

interface Props {
  readonly job: JobView;
  readonly canRedo: boolean;
  readonly onCancel: () => void;
  readonly onRedo: (fromStep: number, change: { seed?: number; prompt?: string }) => void;
}

/** Percent done: keyframes and frames weigh the same, as the server's ETA counts them (src/render/progress.ts). */
export function percent(job: JobView): number {
  if (job.status === 'success') return 100;
  const p = job.progress;
  if (!p) return 0;
  const total = p.keyframesTotal + p.framesTotal;
  return total > 0 ? Math.min(99, Math.floor((100 * (p.keyframes + p.frames)) / total)) : 0;
}

function statusLine(job: JobView): string {
  const p = job.progress;
  switch (job.status) {
    case 'queued':
      return 'Queued';
    case 'processing':
      return p ? `Rendering: keyframe ${p.keyframes} / ${p.keyframesTotal}, frame ${p.frames} / ${p.framesTotal}${p.etaSeconds !== null ? `, about ${formatDuration(p.etaSeconds)} left` : ''}` : 'Rendering';
    case 'success':
      return 'Done';
    case 'cancelled':
      return 'Cancelled';
    case 'error':
      return `Failed: ${job.message ?? 'unknown error'}`;
  }
}

/** The watch section. */
export function WatchPanel(p: Props) {
  const { job } = p;
  const [redoStep, setRedoStep] = useState<number | null>(null);
  const [redoSeed, setRedoSeed] = useState('');
  const [redoPrompt, setRedoPrompt] = useState('');
  const running = job.status === 'queued' || job.status === 'processing';
  const pct = percent(job);
  const video = job.outputs.find((o) => /\.(mp4|webm)$/i.test(o));
  const still = job.outputs.find((o) => /\.(gif|png)$/i.test(o));
  return (
    <section class="watch" aria-labelledby="watch-title">
      <h2 id="watch-title">Job <code>{job.id.slice(0, 8)}</code></h2>
      <div class="progress-row">
        <progress id="job-progress" max={100} value={pct} aria-label="Render progress" aria-valuetext={`${pct} %`} />
        <span id="job-percent">{pct} %</span>
        {running ? <button type="button" id="cancel-job" onClick={p.onCancel}>Cancel</button> : null}
      </div>
      <p id="job-status" role="status">{statusLine(job)}</p>
      {job.keyframes.length > 0 ? (
        <ol class="filmstrip" aria-label="Keyframes">
          {job.keyframes.map((k) => (
            <li key={`${k.sample}-${k.index}`}>
              <button type="button" class="keyframe" disabled={!p.canRedo || running} aria-label={`Keyframe ${k.index}${p.canRedo ? ': redo from here' : ''}`} onClick={() => setRedoStep(k.index)}>
                <img src={k.url} alt="" />
                <span>{k.index}</span>
              </button>
            </li>
          ))}
        </ol>
      ) : null}
      {redoStep !== null ? (
        <form
          class="redo inline"
          onSubmit={(e) => {
            e.preventDefault();
            const seed = redoSeed.trim() === '' ? Math.floor(Math.random() * 2 ** 31) : Number(redoSeed);
            p.onRedo(redoStep, { seed, ...(redoPrompt.trim() ? { prompt: redoPrompt } : {}) });
            setRedoStep(null);
          }}
        >
          <div class="field">
            <label for="redo-seed">New seed for step {redoStep}</label>
            <input id="redo-seed" type="number" min={0} value={redoSeed} placeholder="random" onInput={(e) => setRedoSeed(e.currentTarget.value)} />
          </div>
          <div class="field grow">
            <label for="redo-prompt">Prompt for step {redoStep}</label>
            <input id="redo-prompt" type="text" value={redoPrompt} placeholder="unchanged" onInput={(e) => setRedoPrompt(e.currentTarget.value)} />
          </div>
          <button type="submit">Redo from step {redoStep}</button>
          <button type="button" onClick={() => setRedoStep(null)}>Close</button>
        </form>
      ) : null}
      {video ? (
        <div class="result">
          <video id="result-video" src={video} controls loop muted playsInline preload="auto" aria-label="The rendered walk" />
          <a id="download" class="button" href={video} download>Download {video.slice(video.lastIndexOf('.') + 1)}</a>
        </div>
      ) : still ? (
        <div class="result">
          <img id="result-image" src={still} alt="The rendered walk" />
          <a id="download" class="button" href={still} download>Download</a>
        </div>
      ) : null}
    </section>
  );
}
