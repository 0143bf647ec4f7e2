import type { OutpaintEngine } from '../../engines/types.js';
import type { ImageFetchOptions } from '../input-image.js';

/** What the job runners need from the server's configuration. */
export interface RunnerOptions extends ImageFetchOptions {
  readonly generationsDir: string;
  /** Where admitted input images are kept (see input-image.ts). */
  readonly inputsDir: string;
  /** Where each job's finished keyframes are kept until it succeeds (see jobs/checkpoints.ts). */
  readonly checkpointsDir: string;
  readonly log?: (message: string) => void;
  readonly engine: OutpaintEngine | string;
}
