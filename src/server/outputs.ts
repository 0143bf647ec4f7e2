/** The file name of a job's output: `<id>.<ext>`, or `<id>-n.<ext>` for sample n (0-based `sample`, numbered from 1). */
export function outputName(id: string, ext: string, sample: number | null = null): string {
  return sample === null ? `${id}.${ext}` : `${id}-${sample + 1}.${ext}`;
}

/**
 * The file names of a job's `count` outputs: `<id>.<ext>` when there is one, `<id>-n.<ext>` per
 * sample when there are several or `numbered` is set (single outpaints always number theirs).
 */
export function outputNames(id: string, ext: string, count: number, numbered = count > 1): string[] {
  return Array.from({ length: count }, (_, i) => outputName(id, ext, numbered ? i : null));
}
