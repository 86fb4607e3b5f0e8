export interface Limits {
  country: string;
  sms: { allowedCountries: string[] | null; hourlyBudget: number };
  emailCapPerDay: number;
}

/** The API shows the countries in effect; only the shop's own country means "follow the shop's country" (null). */
export function asEdited<T extends Limits>(settings: T): T {
  const list = settings.sms.allowedCountries;
  const follows = !list || (list.length === 1 && list[0] === settings.country);
  return { ...settings, sms: { ...settings.sms, allowedCountries: follows ? null : list } };
}

/**
 * Where the shop sells and texts, and how much a stranger can make it send
 * (SMS pumping, email bombing). SMS countries left as the shop's own country
 * are saved as "the shop's country", so they follow it when it changes.
 */
export function SendLimits({ value, onChange }: { value: Limits; onChange: (next: Limits) => void }) {
  const countries = value.sms.allowedCountries ?? [value.country];
  const setCountries = (text: string) => {
    const list = text.toUpperCase().split(/[\s,]+/).filter(Boolean);
    onChange({ ...value, sms: { ...value.sms, allowedCountries: list.length === 0 || (list.length === 1 && list[0] === value.country) ? null : list } });
  };
  return (
    <div class="card">
      <h3>Sending limits</h3>
      <label>
        Shop country (ISO code, e.g. US) <input value={value.country} maxLength={2} onInput={(e) => onChange({ ...value, country: (e.target as HTMLInputElement).value.toUpperCase() })} />
      </label>
      <label>
        Text mobile numbers in (ISO codes, comma-separated) <input value={countries.join(', ')} onChange={(e) => setCountries((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        At most this many texts an hour <input type="number" min={1} value={value.sms.hourlyBudget} onInput={(e) => onChange({ ...value, sms: { ...value.sms, hourlyBudget: Number((e.target as HTMLInputElement).value) } })} />
      </label>
      <label>
        Confirmation emails per address per day (across every shop) <input type="number" min={1} max={100} value={value.emailCapPerDay} onInput={(e) => onChange({ ...value, emailCapPerDay: Number((e.target as HTMLInputElement).value) })} />
      </label>
    </div>
  );
}
