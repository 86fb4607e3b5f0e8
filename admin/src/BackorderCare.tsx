export interface Care {
  faqUrl: string | null;
  vipCare: { cadence: string[]; expeditedShipping: boolean };
}

/** "P5D" reads as 5 (days); any other duration (PT30S, for a test shop) shows as written. */
const asDays = (iso: string) => /^P(\d+)D$/.exec(iso)?.[1] ?? iso;
const fromDays = (entry: string) => (/^\d+$/.test(entry) ? `P${entry}D` : entry.toUpperCase());

/**
 * How backorder customers are looked after beyond the standard cadence: VIPs
 * hear more often (days after the order, the last being when a person takes
 * over) and may be promised express shipping; first-time buyers are pointed
 * to the shop's FAQ.
 */
export function BackorderCare({ value, onChange }: { value: Care; onChange: (next: Care) => void }) {
  const { vipCare } = value;
  return (
    <div class="card">
      <h3>Backorder care</h3>
      <label>
        VIP updates, in days after the order (comma-separated; the last is when a person takes over){' '}
        <input
          value={vipCare.cadence.map(asDays).join(', ')}
          onChange={(e) => onChange({ ...value, vipCare: { ...vipCare, cadence: (e.target as HTMLInputElement).value.split(/[\s,]+/).filter(Boolean).map(fromDays) } })}
        />
      </label>
      <label class="check">
        <input type="checkbox" checked={vipCare.expeditedShipping} onChange={(e) => onChange({ ...value, vipCare: { ...vipCare, expeditedShipping: (e.target as HTMLInputElement).checked } })} /> Promise VIPs express shipping at no extra cost
      </label>
      <label>
        FAQ page for first-time buyers{' '}
        <input type="url" placeholder="https://yourstore.com/pages/faq" value={value.faqUrl ?? ''} onInput={(e) => onChange({ ...value, faqUrl: (e.target as HTMLInputElement).value.trim() || null })} />
      </label>
    </div>
  );
}
