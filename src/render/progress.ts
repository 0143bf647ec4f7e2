/** A progress report: where the render is and how long it expects to take. */
export interface RenderProgress {
  readonly phase: 'keyframes' | 'frames' | 'done';
  /** 0-based sample being rendered, of `samples`. */
  readonly sample: number;
  readonly samples: number;
  readonly keyframesDone: number;
  readonly keyframesTotal: number;
  readonly framesRendered: number;
  readonly framesEncoded: number;
  readonly framesTotal: number;
  readonly elapsedSeconds: number;
  /** null until there is enough to extrapolate from. */
  readonly etaSeconds: number | null;
}

/** Tracks counters across samples and derives an ETA from the fraction done. */
export class ProgressTracker {
  private readonly start = performance.now();
  sample = 0;
  keyframesDone = 0;
  framesRendered = 0;
  framesEncoded = 0;
  constructor(
    private readonly samples: number,
    private readonly keyframesPerSample: number,
    private readonly framesPerSample: number,
    private readonly sink?: (p: RenderProgress) => void,
  ) {}

  /** Sends a report to the sink, if any. */
  report(phase: RenderProgress['phase']): void {
    if (!this.sink) return;
    const elapsed = (performance.now() - this.start) / 1000;
    // Keyframes and frames weigh the same per unit of work done so far in this sample.
    const perSample = this.keyframesPerSample + this.framesPerSample;
    const done = this.sample * perSample + this.keyframesDone + Math.min(this.framesRendered, this.framesEncoded || this.framesRendered);
    const total = this.samples * perSample;
    const fraction = total > 0 ? done / total : 1;
    this.sink({
      phase,
      sample: this.sample,
      samples: this.samples,
      keyframesDone: this.keyframesDone,
      keyframesTotal: this.keyframesPerSample,
      framesRendered: this.framesRendered,
      framesEncoded: this.framesEncoded,
      framesTotal: this.framesPerSample,
      elapsedSeconds: elapsed,
      etaSeconds: fraction > 0.02 ? (elapsed * (1 - fraction)) / fraction : null,
    });
  }
}
