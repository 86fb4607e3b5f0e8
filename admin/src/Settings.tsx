import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { Alert, PageLink, SaveStatus, Tabs } from './ui.tsx';
import { BackorderCare, type Care } from './BackorderCare.tsx';
import { widgetLabel } from './widget-labels.ts';
import { DurationInput } from './DurationInput.tsx';
import { RepliesAndHelpdesk, replyFieldError, type FieldErrors, type HelpdeskSettings } from './Helpdesk.tsx';
import { shopFormat } from './format.ts';
import { Keys } from './Keys.tsx';
import { SendLimits, asEdited, type Limits } from './SendLimits.tsx';
import { CATALOGS, STRING_KEYS, WidgetPreview } from './WidgetPreview.tsx';

interface Rules extends Limits, Care {
  supportEmail: string | null;
  helpdesk: HelpdeskSettings | null;
  locale: string;
  holdDuration: string;
  followUpAfter: string;
  attributionWindow: string;
  ranOutNotice: boolean;
  ranOutNoticeDepth: number;
  minimumRestock: number;
  quietHours: { start: string; end: string } | null;
  timezone: string;
  doubleOptIn: boolean;
  signupTtl: string | null;
  sender: { name: string; email: string; address: string };
  contact: string;
  allowedOrigins: string[];
  escalation: { orderValue: number; etaDays: number; vipOrders: number };
  strings: Record<string, Record<string, string>>;
  theme: Record<string, string>;
}

const EDITED = ['locale', 'holdDuration', 'followUpAfter', 'attributionWindow', 'ranOutNotice', 'ranOutNoticeDepth', 'minimumRestock', 'quietHours', 'timezone', 'doubleOptIn', 'signupTtl', 'sender', 'contact', 'allowedOrigins', 'escalation', 'strings', 'theme', 'country', 'sms', 'emailCapPerDay', 'supportEmail', 'helpdesk', 'faqUrl', 'vipCare'] as const;
const THEME = [
  ['accent', '#121212', 'Button colour'],
  ['accent-text', '#fff', 'Button text colour'],
  ['radius', '4px', 'Corner radius'],
] as const;
const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

/** Every rule a merchant tunes, the storefront's words with a live preview of the widget, and the keys. */
export function Settings() {
  const [rules, setRules] = useState<Rules | null>(null);
  const [origins, setOrigins] = useState('');
  const [textLocale, setTextLocale] = useState('en');
  const [previewMode, setPreviewMode] = useState<'waitlist' | 'preorder'>('waitlist');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [loadError, setLoadError] = useState('');
  // The helpdesk as stored (its key masked): choosing it again after trying another brings its key back.
  const [savedDesk, setSavedDesk] = useState<HelpdeskSettings | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const load = () =>
    api<{ settings: Rules }>('/v1/admin/settings')
      .then(({ settings }) => (setRules(asEdited(settings)), setSavedDesk(settings.helpdesk), setOrigins(settings.allowedOrigins.join('\n')), setTextLocale(settings.locale in CATALOGS ? settings.locale : 'en')))
      .catch((e: Error) => setLoadError(e.message));
  useEffect(() => void load(), []);
  if (loadError) return <Alert message={loadError} />;
  if (!rules) return <p class="muted" aria-busy="true">Loading…</p>;

  const set = <K extends keyof Rules>(key: K, value: Rules[K]) => setRules({ ...rules, [key]: value });
  const input = (key: keyof Rules) => (e: Event) => {
    const el = e.target as HTMLInputElement;
    set(key, (el.type === 'checkbox' ? el.checked : el.type === 'number' ? Number(el.value) : el.value) as never);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const body: Record<string, unknown> = Object.fromEntries(EDITED.map((k) => [k, rules[k]]));
      body.allowedOrigins = origins.split(/\s+/).filter(Boolean);
      const { settings } = await api<{ settings: Rules }>('/v1/admin/settings', { method: 'PATCH', body });
      setRules(asEdited(settings));
      setSavedDesk(settings.helpdesk);
      setOrigins(settings.allowedOrigins.join('\n'));
      setFieldErrors({});
      setStatus({ ok: true, text: 'Saved.' });
    } catch (err) {
      // A field with a place on the page shows its error beside it; any other, beside the button.
      const beside = err instanceof ApiError ? replyFieldError(err.field, err.message) : null;
      setFieldErrors(beside ?? {});
      setStatus({ ok: false, text: beside ? 'Not saved: see the field marked above.' : (err as Error).message });
    }
  };
  const ownStrings = rules.strings[textLocale] ?? {};
  const setString = (key: string, value: string) => {
    const next = { ...ownStrings, [key]: value };
    if (!value) delete next[key];
    set('strings', { ...rules.strings, [textLocale]: next });
  };
  const setTheme = (key: string, value: string) => {
    const next = { ...rules.theme, [key]: value };
    if (!value) delete next[key];
    set('theme', next);
  };

  return (
    <section class="settings">
      <h2>Settings</h2>
      <form onSubmit={save}>
        <div class="card">
          <h3>Holds and notices</h3>
          <DurationInput label="Hold duration" value={rules.holdDuration} onChange={(v) => set('holdDuration', v)} />
          <DurationInput label="Follow-up after (if not opened)" value={rules.followUpAfter} onChange={(v) => set('followUpAfter', v)} />
          <DurationInput label="Attribution window" value={rules.attributionWindow} onChange={(v) => set('attributionWindow', v)} />
          <label>
            Minimum restock to notify anyone <input type="number" min={1} value={rules.minimumRestock} onInput={input('minimumRestock')} />
          </label>
          <label class="check">
            <input type="checkbox" checked={rules.ranOutNotice} onChange={input('ranOutNotice')} /> Tell the people still waiting "not this time, you're #k"
          </label>
          <label>
            …to this many people after those offered <input type="number" min={0} value={rules.ranOutNoticeDepth} onInput={input('ranOutNoticeDepth')} />
          </label>
          <label class="check">
            <input type="checkbox" checked={rules.doubleOptIn} onChange={input('doubleOptIn')} /> Double opt-in: a signup takes its place only after confirming by email
          </label>
          <label class="check">
            <input type="checkbox" checked={rules.signupTtl !== null} onChange={(e) => set('signupTtl', (e.target as HTMLInputElement).checked ? 'P90D' : null)} /> Let old signups lapse
          </label>
          {rules.signupTtl !== null ? <DurationInput label="Lapse after" value={rules.signupTtl} onChange={(v) => set('signupTtl', v)} /> : null}
        </div>
        <div class="card">
          <h3>Quiet hours</h3>
          <label class="check">
            <input type="checkbox" checked={rules.quietHours !== null} onChange={(e) => set('quietHours', (e.target as HTMLInputElement).checked ? { start: '21:00', end: '08:00' } : null)} /> No texts or follow-ups
            during these hours
          </label>
          {rules.quietHours ? (
            <div class="row">
              <label>
                From <input type="time" value={rules.quietHours.start} onInput={(e) => set('quietHours', { ...rules.quietHours!, start: (e.target as HTMLInputElement).value })} />
              </label>
              <label>
                Until <input type="time" value={rules.quietHours.end} onInput={(e) => set('quietHours', { ...rules.quietHours!, end: (e.target as HTMLInputElement).value })} />
              </label>
            </div>
          ) : null}
          <label>
            Shop time zone <input list="zones" value={rules.timezone} onInput={input('timezone')} />
            <datalist id="zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
        </div>
        <div class="card">
          <h3>Sender</h3>
          <label>
            From name <input value={rules.sender.name} onInput={(e) => set('sender', { ...rules.sender, name: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            From email <input type="email" value={rules.sender.email} onInput={(e) => set('sender', { ...rules.sender, email: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            Postal address (printed in every email) <input value={rules.sender.address} onInput={(e) => set('sender', { ...rules.sender, address: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            Support contact for customers <input value={rules.contact} onInput={input('contact')} />
          </label>
          <label>
            Shop language{' '}
            <LocaleSelect value={rules.locale} onChange={(l) => set('locale', l)} />
          </label>
        </div>
        <div class="card">
          <h3>Emails and texts</h3>
          <p class="muted">
            The words of every email and text your customers get, template by template, with a live preview and a test send to {rules.sender.email}.{' '}
            <PageLink href="/admin/copy">Edit messages copy</PageLink>
          </p>
        </div>
        <RepliesAndHelpdesk value={rules} saved={savedDesk} errors={fieldErrors} onChange={(next) => setRules({ ...rules, ...next })} />
        <SendLimits value={rules} onChange={(limits) => setRules({ ...rules, ...limits })} />
        <div class="card">
          <h3>Hand to a person when</h3>
          <label>
            An order is worth more than ({shopFormat.currency}){' '}
            <input type="number" min={0} step={0.01} value={rules.escalation.orderValue / 100} onInput={(e) => set('escalation', { ...rules.escalation, orderValue: Math.round(Number((e.target as HTMLInputElement).value) * 100) })} />
          </label>
          <label>
            The ETA is further out than (days) <input type="number" min={1} value={rules.escalation.etaDays} onInput={(e) => set('escalation', { ...rules.escalation, etaDays: Number((e.target as HTMLInputElement).value) })} />
          </label>
          <label>
            A customer is a VIP from this many orders <input type="number" min={1} value={rules.escalation.vipOrders} onInput={(e) => set('escalation', { ...rules.escalation, vipOrders: Number((e.target as HTMLInputElement).value) })} />
          </label>
        </div>
        <BackorderCare value={rules} onChange={(care) => setRules({ ...rules, ...care })} />
        <div class="card">
          <h3>Storefront</h3>
          <label>
            Storefront origins allowed to use the widget (one per line)
            <textarea rows={3} value={origins} onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)} />
          </label>
          <div class="split">
            <div class="strings">
              <label>
                Text for shoppers in{' '}
                <LocaleSelect value={textLocale} onChange={setTextLocale} />
              </label>
              {STRING_KEYS.map((key) => (
                <label key={key} title={key}>
                  {widgetLabel(key)}
                  <input value={ownStrings[key] ?? ''} placeholder={CATALOGS[textLocale]?.[key] ?? CATALOGS.en![key]} onInput={(e) => setString(key, (e.target as HTMLInputElement).value)} />
                </label>
              ))}
              {THEME.map(([key, fallback, label]) => (
                <label key={key}>
                  {label} <input value={rules.theme[key] ?? ''} placeholder={fallback} onInput={(e) => setTheme(key, (e.target as HTMLInputElement).value)} />
                </label>
              ))}
            </div>
            <div class="preview-pane">
              <Tabs label="Preview as" options={[['waitlist', 'Waitlist'], ['preorder', 'Pre-order']]} value={previewMode} onChange={setPreviewMode} />
              <WidgetPreview
                look={{ locale: textLocale, shopName: rules.sender.name, mode: previewMode, theme: rules.theme, strings: { ...CATALOGS[textLocale], ...ownStrings } }}
              />
            </div>
          </div>
        </div>
        <div class="savebar">
          <button type="submit">Save</button>
          <SaveStatus status={status} />
        </div>
      </form>
      <Keys />
    </section>
  );
}

const LANGUAGES: Record<string, string> = { en: 'English', fr: 'Français' };

/** The languages the widget and the emails ship in. */
function LocaleSelect({ value, onChange }: { value: string; onChange: (locale: string) => void }) {
  return (
    <select value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
      {Object.keys(CATALOGS).map((l) => (
        <option key={l} value={l}>
          {LANGUAGES[l] ?? l}
        </option>
      ))}
    </select>
  );
}
