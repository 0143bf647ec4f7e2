/**
 * zoomwalk's library surface: render a walk, or use the planner, compositor, engines and encoder
 * on their own. It loads no server code: the HTTP server is the subpath export `zoomwalk/server`.
 */
export { render } from './render/render.js';
export type { RenderOptions, RenderResult, RenderOutput } from './render/options.js';
export type { RenderProgress } from './render/progress.js';
export { outpaint, outpaintCanvas, type OutpaintOptions } from './render/outpaint.js';
export { resolveRequest, type ResolveOptions } from './request/resolve.js';
export { placeOnCanvas, type CanvasPlacement, type PlacementOptions } from './request/outpaint-options.js';
export { validateWalkRequest } from './request/validate.js';
export { walkRequestSchema, type WalkRequestInput } from './request/schema.js';
export type { WalkRequest } from './request/walk-request.js';
export { LIMITS, DEFAULTS, WALK_TYPES, OUTPUT_FORMATS, type WalkType, type OutputFormat } from './request/limits.js';
export { applyPreset, findPreset, type Preset, type PresetLookup } from './request/presets.js';
export { listPresets, getPreset } from './presets/shipped.js';
export { planWalk, shrinkFactor, type WalkPlan, type PlannedStep } from './walk/plan.js';
export { interpolateViewport, type Viewport, type Rect } from './walk/geometry.js';
export { Compositor, type ComposeOptions } from './frames/compose.js';
export { rgbToYuv420, yuv420ToRgb, yuvFrameBytes } from './frames/yuv.js';
export type { Layer } from './frames/layer.js';
export { createEngine, registerEngine, engineNames, DEFAULT_ENGINE, type EngineDefinition, type EngineFactory, type EngineOptions } from './engines/registry.js';
export { createMirrorEngine } from './engines/mirror.js';
export { createClassicalEngine, type ClassicalOptions } from './engines/classical/index.js';
export { RemoteClient, type RemoteClientOptions, type CallOptions, type CallResult } from './engines/remote/client.js';
export type { OutpaintEngine, OutpaintTask } from './engines/types.js';
export { VideoEncoder, type EncoderOptions } from './video/encoder.js';
export { DEFAULT_ENCODE, preferredPixelFormat, type EncodeSettings, type PixelFormat, type VideoFormat } from './video/containers.js';
export type { RawImage } from './image/raw.js';
// Every error class and the code table; throwIfAborted (also in errors.ts) stays internal.
export {
  ERROR_CODES,
  ZoomwalkError,
  ValidationError,
  UsageError,
  UnknownNameError,
  EngineConfigError,
  ImageLoadError,
  EncoderError,
  EngineError,
  RemoteEngineError,
  AbortError,
  type ErrorCode,
  type ErrorCodeInfo,
  type ErrorKind,
  type ValidationIssue,
} from './errors.js';
