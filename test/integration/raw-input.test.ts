import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoEncoder } from '../../src/video/encoder.js';
import { ffmpegPath } from '../../src/video/ffmpeg-path.js';
import { canAddNullInput } from '../../src/video/raw-input.js';
import { decodeGray, probe } from '../helpers/video.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-input-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('raw input on stdin: ffmpeg and the encoder', () => {
  it('knows whether an ffmpeg can make the null input (lavfi and its nullsrc)', async () => {
    expect(canAddNullInput(ffmpegPath())).toBe(true);
    expect(canAddNullInput(join(dir, 'no-such-ffmpeg'))).toBe(false);
    // A build with the lavfi device but without the nullsrc filter.
    const fake = join(dir, 'ffmpeg-without-nullsrc');
    await writeFile(fake, '#!/bin/sh\ncase "$3" in demuxer=lavfi) echo "Demuxer lavfi [Libavfilter virtual input device]:";; *) echo "Unknown filter \'nullsrc\'.";; esac\n');
    await chmod(fake, 0o755);
    expect(canAddNullInput(fake)).toBe(false);
  });

  it('encodes exactly the frames written, in one video stream, with the null input left out', async () => {
    const out = join(dir, 'ramp.mp4');
    const enc = new VideoEncoder({ output: out, format: 'mp4', pixelFormat: 'yuv420p', width: 64, height: 48, fps: 25 });
    for (let i = 0; i < 30; i++) {
      const f = enc.frameBuffer();
      f.fill(128);
      f.fill(16 + i * 7, 0, 64 * 48);
      await enc.write(f);
    }
    await enc.finish();
    expect(await probe(out)).toMatchObject({ frames: 30, width: 64, height: 48 });
    const { stderr } = await run(ffmpegPath(), ['-hide_banner', '-i', out], { encoding: 'utf8' }).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
    expect(stderr.match(/Stream #0:\d+/g)).toHaveLength(1);
    const gray = await decodeGray(out, 64, 48);
    // Frame i is flat luma 16 + 7i (full-range gray once decoded), in order: the pipe's frames, none from the null input.
    const means = gray.map((g) => g.reduce((s, v) => s + v, 0) / g.length);
    means.forEach((m, i) => expect(m, `frame ${i}`).toBeCloseTo((i * 7 * 255) / 219, 0));
  });
});
