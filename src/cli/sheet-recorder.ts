import { decodeFitted, readImageSource } from '../image/load.js';
import type { RawImage } from '../image/raw.js';
import type { WalkRequest } from '../request/walk-request.js';
import { ContactSheet } from './contact-sheet.js';

/** What `--sheet` adds to a render: the image read once (for keyframe 0), a keyframe callback, and the writer. */
export interface SheetRecorder {
  readonly imageBytes: Buffer;
  readonly onKeyframe: (index: number, image: RawImage, sample: number) => void;
  write(path: string): Promise<void>;
}

/** Starts a contact sheet of sample 0's keyframes: keyframe 0 is the fitted input, as the render fits it. */
export async function sheetRecorder(request: WalkRequest, signal: AbortSignal): Promise<SheetRecorder> {
  const imageBytes = await readImageSource(request.image, undefined, signal);
  const sheet = new ContactSheet(request.width, request.height, request.walk.length + 1);
  sheet.add(0, await decodeFitted(imageBytes, request.width, request.height), '0 input');
  return {
    imageBytes,
    onKeyframe: (index, image, sample) => {
      if (sample === 0) sheet.add(index, image, `${index} ${request.walk[index - 1] ?? ''}`);
    },
    write: (path) => sheet.write(path),
  };
}
