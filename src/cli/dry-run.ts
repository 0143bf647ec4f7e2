import { samplePath } from '../render/render.js';
import type { WalkRequest } from '../request/walk-request.js';
import { formatWalkSyntax } from '../request/walk-syntax.js';
import { planWalk } from '../walk/plan.js';
import { viewportRect } from '../walk/geometry.js';

/** What `zoomwalk render --dry-run` reports: the plan of a render, made without an engine or an image. */
export interface DryRunReport {
  readonly outputs: readonly string[];
  readonly format: WalkRequest['outputFormat'];
  readonly engine: string;
  readonly seed: number | null;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly walk: string;
  /** Frames of each output (1 for png: the last keyframe). */
  readonly frames: number;
  readonly durationSeconds: number | null;
  /** Keyframes per sample: the input plus one per step. */
  readonly keyframes: number;
  readonly steps: readonly {
    readonly index: number;
    readonly kind: string;
    readonly translation: { readonly x: number; readonly y: number };
    readonly shrink: number;
    /** Keyframe index+1's camera: top-left and world units per pixel, and the world rectangle it sees. */
    readonly viewport: { readonly x: number; readonly y: number; readonly scale: number };
    readonly world: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
    readonly prompt: string;
    readonly negativePrompt: string;
  }[];
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

/** Plans `request` (pure: no image is read, no engine is created). */
export function dryRun(request: WalkRequest, output: string, engine: string): DryRunReport {
  const plan = planWalk(request);
  const video = request.outputFormat !== 'png';
  const frames = video ? plan.totalFrames : 1;
  return {
    outputs: Array.from({ length: request.samples }, (_, n) => samplePath(output, n, request.samples)),
    format: request.outputFormat,
    engine,
    seed: request.seed,
    width: plan.width,
    height: plan.height,
    fps: plan.fps,
    walk: formatWalkSyntax(request.walk),
    frames,
    durationSeconds: video ? round(frames / plan.fps) : null,
    keyframes: plan.viewports.length,
    steps: plan.steps.map((s) => {
      const r = viewportRect(s.to, plan.width, plan.height);
      return {
        index: s.index,
        kind: s.kind,
        translation: s.translation,
        shrink: round(s.shrink),
        viewport: { x: round(s.to.x), y: round(s.to.y), scale: round(s.to.scale) },
        world: { x0: round(r.x0), y0: round(r.y0), x1: round(r.x1), y1: round(r.y1) },
        prompt: s.prompt,
        negativePrompt: s.negativePrompt,
      };
    }),
  };
}

/** The report as a few lines of text and a table of steps. */
export function formatDryRun(r: DryRunReport): string {
  const lines = [
    `output     ${r.outputs.join(', ')} (${r.format}, ${r.width}×${r.height}, engine ${r.engine}, seed ${r.seed ?? 'random'})`,
    `walk       ${r.walk} (${r.steps.length} steps, ${r.keyframes} keyframes)`,
    r.durationSeconds === null ? `frames     1 (the last keyframe as an image)` : `frames     ${r.frames} at ${r.fps} fps = ${r.durationSeconds} s`,
    '',
    'step  kind      translation  shrink   viewport x, y, scale           world rectangle                      prompt',
  ];
  for (const s of r.steps) {
    const vp = `${s.viewport.x}, ${s.viewport.y}, ${s.viewport.scale}`;
    const world = `${s.world.x0},${s.world.y0} – ${s.world.x1},${s.world.y1}`;
    const prompt = s.prompt + (s.negativePrompt ? ` (not: ${s.negativePrompt})` : '');
    lines.push(`${String(s.index).padEnd(6)}${s.kind.padEnd(10)}${`${s.translation.x}×${s.translation.y}`.padEnd(13)}${String(s.shrink).padEnd(9)}${vp.padEnd(31)}${world.padEnd(37)}${prompt}`);
  }
  return `${lines.join('\n')}\n`;
}
