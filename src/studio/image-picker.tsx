// The image: drop a file, choose one, paste one, or give a URL. A local file is sent inline as a
// data URI (the server accepts base64 and data URIs); a URL is fetched by the server through its
// SSRF guard. The crop preview is the server's fit: cover, centred (src/image/load.ts).
import { useState } from 'preact/hooks';

/** Inline images larger than this would not fit the server's 30 MB body limit once base64-encoded. */
const MAX_FILE_BYTES = 22 * 1024 * 1024;

/** Reads an image file as a data URI, or answers why not. */
export function fileToDataUri(file: File): Promise<{ uri: string } | { problem: string }> {
  if (!file.type.startsWith('image/')) return Promise.resolve({ problem: `${file.name} is not an image (${file.type || 'unknown type'})` });
  if (file.size > MAX_FILE_BYTES) return Promise.resolve({ problem: `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB` });
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ uri: String(reader.result) });
    reader.onerror = () => resolve({ problem: `${file.name} could not be read` });
    reader.readAsDataURL(file);
  });
}

interface Props {
  readonly image: string;
  readonly imageName: string;
  readonly width: number;
  readonly height: number;
  readonly error?: string | undefined;
  readonly onImage: (image: string, name: string) => void;
}

/** The image section of the form. */
export function ImagePicker(p: Props) {
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [url, setUrl] = useState(p.image.startsWith('http') ? p.image : '');
  const [dragging, setDragging] = useState(false);

  const useFile = async (file: File | undefined | null) => {
    if (!file) return;
    const r = await fileToDataUri(file);
    if ('problem' in r) return setProblem(r.problem);
    setProblem(null);
    setSize(null);
    p.onImage(r.uri, file.name);
  };
  const message = problem ?? p.error;
  const crop = p.width > 0 && p.height > 0 ? `${p.width} / ${p.height}` : '1';

  return (
    <fieldset class="image-picker">
      <legend>Image</legend>
      <div
        class={`drop${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => { e.preventDefault(); setDragging(false); void useFile(e.dataTransfer?.files[0]); }}
      >
        <label for="image-file" class="button">Choose an image…</label>
        <input id="image-file" class="visually-hidden" type="file" accept="image/*" aria-describedby="image-help" onChange={(e) => void useFile(e.currentTarget.files?.[0])} />
        <span id="image-help" class="hint">or drop a file here, or paste one (Ctrl+V)</span>
      </div>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const u = url.trim();
          if (!/^https?:\/\//i.test(u)) return setProblem('give an http:// or https:// URL');
          setProblem(null);
          setSize(null);
          p.onImage(u, u);
        }}
      >
        <div class="field grow">
          <label for="image-url">Image URL</label>
          <input id="image-url" type="url" value={url} placeholder="https://…" onInput={(e) => setUrl(e.currentTarget.value)} />
        </div>
        <button type="submit">Use URL</button>
      </form>
      {message ? <p class="field-error" id="image-error" role="alert">{message}</p> : null}
      {p.image ? (
        <div class="previews">
          <figure>
            <img src={p.image} alt={`chosen image ${p.imageName}`} onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })} onError={() => setSize(null)} />
            <figcaption id="image-size">{p.imageName.length > 40 ? `${p.imageName.slice(0, 37)}…` : p.imageName}{size ? ` · ${size.w} × ${size.h}` : ''}</figcaption>
          </figure>
          <figure>
            <div class="crop" style={{ aspectRatio: crop }}>
              <img src={p.image} alt={`the image as the walk starts: ${p.width} × ${p.height}, cropped to fill, centred`} />
            </div>
            <figcaption>used as {p.width} × {p.height} (cover, centred)</figcaption>
          </figure>
        </div>
      ) : null}
    </fieldset>
  );
}
