const UNITS = [
  ['D', 86_400, 'days'],
  ['H', 3_600, 'hours'],
  ['M', 60, 'minutes'],
  ['S', 1, 'seconds'],
] as const;

/** PT1H30M → 5400; the settings only ever hold day/hour/minute/second durations. */
function seconds(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m) return 0;
  return Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3_600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

const toIso = (n: number, unit: string) => (unit === 'D' ? `P${n}D` : `PT${n}${unit}`);

/**
 * A duration as a merchant thinks of it ("24 hours"), stored as ISO 8601
 * (PT24H). Shown in the largest unit that divides it, down to seconds.
 */
export function DurationInput({ label, value, onChange }: { label: string; value: string; onChange: (iso: string) => void }) {
  const total = seconds(value);
  const [unit, size] = UNITS.find(([, s]) => total % s === 0) ?? UNITS[3];
  const n = total / size;
  return (
    <fieldset class="duration">
      <legend>{label}</legend>
      <input aria-label={`${label} amount`} type="number" min={0} step={1} required value={n} onInput={(e) => onChange(toIso(Number((e.target as HTMLInputElement).value), unit))} />
      <select aria-label={`${label} unit`} value={unit} onChange={(e) => onChange(toIso(n, (e.target as HTMLSelectElement).value))}>
        {UNITS.map(([u, , name]) => (
          <option key={u} value={u}>
            {name}
          </option>
        ))}
      </select>
    </fieldset>
  );
}
