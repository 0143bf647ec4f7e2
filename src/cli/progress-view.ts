import cliProgress from 'cli-progress';
import type { RenderProgress } from '../render/progress.js';

function eta(p: RenderProgress): string {
  return p.etaSeconds === null ? '?' : `${Math.round(p.etaSeconds)}s`;
}

/** Progress on stderr: a bar on a TTY, a plain line every few seconds otherwise (logs, CI). */
export function progressView(stream: NodeJS.WriteStream = process.stderr): { update: (p: RenderProgress) => void; stop: () => void } {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: '{phase} |{bar}| {value}/{total} frames · keyframes {kf} · sample {sample} · ETA {eta}', hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = { phase: p.phase, kf: `${p.keyframesDone}/${p.keyframesTotal}`, sample: `${p.sample + 1}/${p.samples}`, eta: eta(p) };
        if (!started) {
          bar.start(Math.max(1, p.framesTotal), p.framesRendered, payload);
          started = true;
        }
        bar.update(p.framesRendered, payload);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = performance.now();
      if (p.phase !== 'done' && now - last < 2000) return;
      last = now;
      stream.write(
        `zoomwalk: ${p.phase} sample ${p.sample + 1}/${p.samples} keyframes ${p.keyframesDone}/${p.keyframesTotal} frames ${p.framesRendered}/${p.framesTotal} encoded ${p.framesEncoded} elapsed ${p.elapsedSeconds.toFixed(1)}s eta ${eta(p)}\n`,
      );
    },
    stop: () => undefined,
  };
}
