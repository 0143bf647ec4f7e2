// Button icons as inline SVG: no icon font to load, and no glyph a system font may lack.
const PATHS = {
  up: 'M8 13V3M3.5 7.5 8 3l4.5 4.5',
  down: 'M8 3v10M3.5 8.5 8 13l4.5-4.5',
  duplicate: 'M6 2.5h7.5V10H6zM3 5.5v8h7.5',
  insert: 'M8 3v10M3 8h10',
  remove: 'M4 4l8 8M12 4l-8 8',
} as const;

/** A 16×16 stroke icon, hidden from assistive technology (the button's label names it). */
export function Icon(p: { name: keyof typeof PATHS }) {
  return (
    <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
      <path d={PATHS[p.name]} />
    </svg>
  );
}
