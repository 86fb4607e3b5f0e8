const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses the ISO 8601 durations settings use (`PT24H`, `P7D`, `PT30S`) into milliseconds. */
export function parseDuration(value: string): number | null {
  const m = PATTERN.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return null;
  const [, w, d, h, min, s] = m;
  const seconds =
    Number(w ?? 0) * 604800 + Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  return Math.round(seconds * 1000);
}

export function durationMs(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new Error(`Invalid ISO 8601 duration: ${value}`);
  return ms;
}
