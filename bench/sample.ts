import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The first photo in samples/ (sorted), so benches run on real content. */
export function samplePhoto(): string {
  const dir = join(import.meta.dirname, '..', 'samples');
  const photo = readdirSync(dir).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort()[0];
  if (!photo) throw new Error(`no photo in ${dir}`);
  return join(dir, photo);
}
