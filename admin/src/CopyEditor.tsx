import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { Alert, PageLink, States, SaveStatus, Tabs, useApi } from './ui.tsx';

interface CopyKey {
  key: string;
  placeholders: string[];
  defaults: { en: string } & Record<string, string>;
  override: Record<string, string>;
}
interface Catalog {
  templates: Array<{ name: string; channels: Array<'email' | 'sms'>; keys: CopyKey[]; sharedKeys: string[] }>;
  shared: { keys: CopyKey[] };
  locales: string[];
}
interface Preview {
  subject: string;
  html: string;
  text: string;
  sms?: string;
}
type Strings = Record<string, Record<string, string>>;

const LANGUAGES: Record<string, string> = { en: 'English', fr: 'Français' };

/** "offer.subject.restock" → "Subject – restock"; texts say so: "Text message – offer". */
export function keyLabel(key: string): string {
  const [head, ...rest] = key.split('.');
  const words = (rest.length ? rest : [head!]).map((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
  const label = words.join(' – ');
  return head === 'sms' ? `Text message – ${label}` : label.charAt(0).toUpperCase() + label.slice(1);
}

/** The shipped text a field falls back to in a language: its own catalog, else English (as `translate` does). */
const shippedIn = (k: CopyKey, locale: string) => k.defaults[locale.split(/[-_]/)[0]!.toLowerCase()] ?? k.defaults.en;

/**
 * The words of every email and text, template by template: each key as a field
 * with the shipped text as its placeholder and what it must keep, a live preview
 * rendered by the server (so it is exactly what is sent), save and a test send.
 */
export function CopyEditor() {
  const catalog = useApi<Catalog>('/v1/admin/templates');
  const [saved, setSaved] = useState<Strings | null>(null);
  const [loadError, setLoadError] = useState('');
  const [template, setTemplate] = useState('offer');
  const [locale, setLocale] = useState('en');
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<Preview | null>(null);
  const [fieldError, setFieldError] = useState<{ key: string; message: string } | null>(null);
  const [error, setError] = useState('');
  const [width, setWidth] = useState<'desktop' | 'phone'>('desktop');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ settings: { strings: Strings; locale: string } }>('/v1/admin/settings')
      .then(({ settings }) => (setSaved(settings.strings), setLocale(settings.locale)))
      .catch((e: Error) => setLoadError(e.message));
  }, []);

  const current = catalog.data?.templates.find((t) => t.name === template);
  // The template's own words, then the shared ones (footer, contact line) it shows: changing those changes every email.
  const keys = current ? [...current.keys, ...catalog.data!.shared.keys.filter((k) => current.sharedKeys.includes(k.key))] : [];
  // A new template or language starts from what is saved for it.
  useEffect(() => {
    if (!saved || !current) return;
    setDraft(Object.fromEntries(keys.map((k) => [k.key, saved[locale]?.[k.key] ?? ''])));
    setFieldError(null);
  }, [saved, template, locale, catalog.data]);
  useEffect(() => setStatus(null), [template, locale]);

  /** The fields as overrides: an empty one is the shipped text, so that is what the preview shows. */
  const body = () => ({ locale, strings: { [locale]: Object.fromEntries(keys.map((k) => [k.key, draft[k.key] || shippedIn(k, locale)])) } });
  const showError = (e: unknown) => {
    const field = e instanceof ApiError ? e.field : undefined;
    const key = field?.startsWith(`strings.${locale}.`) ? field.slice(`strings.${locale}.`.length) : null;
    if (key && keys.some((k) => k.key === key)) setFieldError({ key, message: (e as Error).message.replace(`${field} `, '') });
    else setError((e as Error).message);
  };

  const asked = useRef(0);
  useEffect(() => {
    if (!current || !saved) return;
    const ask = ++asked.current;
    const timer = setTimeout(() => {
      api<Preview>(`/v1/admin/templates/${template}/preview`, { method: 'POST', body: body() })
        .then((p) => ask === asked.current && (setPreview(p), setFieldError(null), setError('')))
        .catch((e: unknown) => ask === asked.current && showError(e));
    }, 300);
    return () => clearTimeout(timer);
  }, [draft, template, locale, saved]);

  if (loadError) return <Alert message={loadError} />;

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      // Only this template's fields change; every other override, in every language, is sent back as it was.
      const mine = { ...saved![locale] };
      for (const k of keys) {
        const text = draft[k.key]?.trim() ?? '';
        if (text && text !== shippedIn(k, locale)) mine[k.key] = text;
        else delete mine[k.key];
      }
      const { settings } = await api<{ settings: { strings: Strings } }>('/v1/admin/settings', { method: 'PATCH', body: { strings: { ...saved, [locale]: mine } } });
      setSaved(settings.strings);
      setStatus({ ok: true, text: 'Saved.' });
    } catch (e) {
      showError(e);
      setStatus({ ok: false, text: 'Not saved: see the field marked.' });
    } finally {
      setBusy(false);
    }
  };
  const sendTest = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const { sentTo } = await api<{ sentTo: string }>(`/v1/admin/templates/${template}/test`, { method: 'POST', body: body() });
      setStatus({ ok: true, text: `Sent to ${sentTo}.` });
    } catch (e) {
      setStatus({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="settings copy-editor">
      <h2>Messages copy</h2>
      <p class="muted">
        Change the words of each email and text. A field left empty uses the default. <PageLink href="/admin/settings">Back to settings</PageLink>
      </p>
      <States state={catalog} isEmpty={false} empty="">
        <div class="row">
          <label>
            Template{' '}
            <select value={template} onChange={(e) => setTemplate((e.target as HTMLSelectElement).value)}>
              {catalog.data?.templates.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name}
                  {t.channels.includes('sms') ? ' (email + text)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            Language{' '}
            <select value={locale} onChange={(e) => setLocale((e.target as HTMLSelectElement).value)}>
              {catalog.data?.locales.map((l) => (
                <option key={l} value={l}>
                  {LANGUAGES[l] ?? l}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="split">
          <div class="card copy-fields">
            {keys.map((k, i) => (
              <Fragment key={k.key}>
                {i === current!.keys.length ? <h3>Shared with other messages</h3> : null}
                <CopyField copy={k} value={draft[k.key] ?? ''} placeholder={shippedIn(k, locale)} error={fieldError?.key === k.key ? fieldError.message : ''} onChange={(v) => setDraft({ ...draft, [k.key]: v })} />
              </Fragment>
            ))}
          </div>
          <div class="preview-pane card">
            <Tabs label="Preview width" options={[['desktop', 'Desktop'], ['phone', 'Phone']]} value={width} onChange={setWidth} />
            <Alert message={error} />
            {preview ? (
              <article aria-label="Email preview">
                <p>
                  <span class="muted">Subject:</span> <strong data-testid="preview-subject">{preview.subject}</strong>
                </p>
                <iframe sandbox="" title="Email preview" srcdoc={preview.html} class={`email-frame ${width}`} />
                {preview.sms !== undefined ? (
                  <>
                    <h3>Text message</h3>
                    <pre data-testid="preview-sms">{preview.sms}</pre>
                  </>
                ) : null}
              </article>
            ) : (
              <p class="muted" aria-busy="true">
                Rendering…
              </p>
            )}
          </div>
        </div>
        <div class="savebar">
          <button type="button" disabled={busy || !saved} onClick={() => void save()}>
            Save
          </button>
          <button type="button" class="secondary" disabled={busy || !saved} onClick={() => void sendTest()}>
            Send me a test
          </button>
          <SaveStatus status={status} />
        </div>
      </States>
    </section>
  );
}

function CopyField({ copy, value, placeholder, error, onChange }: { copy: CopyKey; value: string; placeholder: string; error: string; onChange: (value: string) => void }) {
  const id = `copy-${copy.key}`;
  return (
    <div class="copy-field">
      <label for={id}>{keyLabel(copy.key)}</label>
      {copy.placeholders.length ? (
        <p class="chips" id={`${id}-keep`}>
          must keep{' '}
          {copy.placeholders.map((p) => (
            <code key={p}>{`{${p}}`}</code>
          ))}
        </p>
      ) : null}
      <textarea
        id={id}
        rows={placeholder.length > 90 ? 3 : 2}
        value={value}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={[copy.placeholders.length ? `${id}-keep` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
        onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)}
      />
      {error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
      {value ? (
        <button type="button" class="link" aria-label={`Reset to default: ${keyLabel(copy.key)}`} onClick={() => onChange('')}>
          Reset to default
        </button>
      ) : null}
    </div>
  );
}
