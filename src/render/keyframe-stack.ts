import type { OutpaintEngine } from '../engines/types.js';
import type { Compositor } from '../frames/compose.js';
import { evictHidden } from '../frames/evict.js';
import { createLayer, type Layer } from '../frames/layer.js';
import type { RawImage } from '../image/raw.js';
import { stepSeed } from '../request/step-seeds.js';
import type { WalkRequest } from '../request/walk-request.js';
import type { WalkPlan } from '../walk/plan.js';
import { buildKeyframe, generatedImage, generatedPlanes } from './keyframe.js';
import type { RenderOptions } from './options.js';
import type { ProgressTracker } from './progress.js';

/** Keyframes the engine's source library keeps: older ones would only pin memory. */
const HISTORY_KEPT = 4;

/** What one sample's keyframes are made from. */
export interface KeyframeJob {
  readonly request: WalkRequest;
  readonly plan: WalkPlan;
  readonly input: RawImage;
  readonly engine: OutpaintEngine;
  /** This sample's seed: the walk's base seed plus the sample number. */
  readonly seed: number;
  readonly options: Pick<RenderOptions, 'resumeKeyframe' | 'onKeyframe' | 'signal'>;
  readonly tracker: ProgressTracker;
}

/** Makes keyframes one step at a time (or takes them from a resumed run) and keeps the layer stack, minus hidden layers. */
export class KeyframeStack {
  readonly first: Layer;
  layers: Layer[];
  private readonly history: RawImage[] = [];
  /** Per layer (same ids and viewports), a grey image of which of its pixels were generated. */
  private genLayers: Layer[];
  /** Per history image, which of its pixels were generated (1). */
  private readonly historyGen: Uint8Array[] = [];
  private step = 0;

  constructor(private readonly job: KeyframeJob, private readonly compositor: Compositor) {
    this.first = createLayer(0, job.input, job.plan.viewports[0]!);
    this.layers = [this.first];
    this.history.push(job.input);
    // Keyframe 0 is the fitted input photo: nothing generated.
    const { width, height } = job.plan;
    this.genLayers = [createLayer(0, generatedImage(new Uint8Array(width * height), width, height), job.plan.viewports[0]!)];
    this.historyGen.push(new Uint8Array(width * height));
  }

  /** Outpaints the next step, adds it as a layer, and returns its image. */
  async next(): Promise<RawImage> {
    const { plan, request, engine, seed, options, tracker } = this.job;
    const i = this.step++;
    const saved = options.resumeKeyframe?.(i + 1, tracker.sample) ?? null;
    // A loop closes on the input image: its last keyframe is the input itself, never outpainted.
    const closing = plan.loop && i === plan.steps.length - 1;
    const gen = generatedPlanes(this.compositor, this.genLayers, plan, i);
    const image = closing
      ? this.job.input
      : saved && saved.width === plan.width && saved.height === plan.height
        ? saved
        : await buildKeyframe(
            {
              plan,
              engine,
              compositor: this.compositor,
              seed: stepSeed(seed, request.stepSeeds, i, tracker.sample),
              inferenceSteps: request.inferenceSteps,
              guidance: request.guidance,
              overlap: request.overlap,
              ...(options.signal ? { signal: options.signal } : {}),
            },
            this.layers,
            i,
            this.history,
            { known: gen.known, history: this.historyGen },
          );
    // The closing keyframe of a loop is the photo itself: none of it is generated.
    const genKeyframe = closing ? new Uint8Array(plan.width * plan.height) : gen.keyframe;
    this.history.push(image);
    this.historyGen.push(genKeyframe);
    if (this.history.length > HISTORY_KEPT) {
      this.history.shift();
      this.historyGen.shift();
    }
    // Evict against the step's starting scale: its frames still show the finer layer i.
    const from = plan.viewports[i]!;
    this.layers = evictHidden([...this.layers, createLayer(i + 1, image, plan.viewports[i + 1]!)], from, plan.width, plan.height);
    const kept = new Set(this.layers.map((l) => l.id));
    this.genLayers = [...this.genLayers, createLayer(i + 1, generatedImage(genKeyframe, plan.width, plan.height), plan.viewports[i + 1]!)].filter((l) => kept.has(l.id));
    if (image !== saved && !closing) options.onKeyframe?.(i + 1, image, tracker.sample);
    tracker.keyframesDone = i + 1;
    tracker.report('keyframes');
    return image;
  }
}
