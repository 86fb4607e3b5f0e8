import type { ComponentChildren } from 'preact';

export type HelpdeskKind = 'gorgias' | 'zendesk' | 'freshdesk' | 'reamaze';

export interface HelpdeskSettings {
  kind: HelpdeskKind;
  subdomain: string;
  email: string | null;
  apiKey: string;
  channel: string | null;
  ticketPerBackorder: boolean;
}

export interface Replies {
  supportEmail: string | null;
  helpdesk: HelpdeskSettings | null;
}

/** Each helpdesk's name and the host its account lives on (server/platforms/helpdesk/index.ts). */
export const HELPDESKS: Record<HelpdeskKind, { name: string; host: string }> = {
  gorgias: { name: 'Gorgias', host: 'gorgias.com' },
  zendesk: { name: 'Zendesk', host: 'zendesk.com' },
  freshdesk: { name: 'Freshdesk', host: 'freshdesk.com' },
  reamaze: { name: 'Re:amaze', host: 'reamaze.io' },
};

/** What GET /v1/admin/settings shows instead of a stored key; sent back, it keeps that key. */
const MASK = '********';

/** The API's errors for this section, by field (`supportEmail`, `helpdesk.subdomain`…). */
export type FieldErrors = Record<string, string>;

/**
 * Where customers' replies go and the helpdesk escalations become tickets in.
 * A stored key is shown as the mask and kept on save; it is cleared when the
 * helpdesk changes, since a key belongs to one account.
 */
export function RepliesAndHelpdesk({ value, saved, errors, onChange }: { value: Replies; saved: HelpdeskSettings | null; errors: FieldErrors; onChange: (next: Replies) => void }) {
  const desk = value.helpdesk;
  const setDesk = (patch: Partial<HelpdeskSettings>) => onChange({ ...value, helpdesk: { ...desk!, ...patch } });
  const choose = (kind: HelpdeskKind | '') => {
    if (!kind) return onChange({ ...value, helpdesk: null });
    if (saved?.kind === kind) return onChange({ ...value, helpdesk: saved });
    const from = desk ?? saved;
    onChange({ ...value, helpdesk: { kind, subdomain: from?.subdomain ?? '', email: from?.email ?? null, apiKey: '', channel: null, ticketPerBackorder: from?.ticketPerBackorder ?? false } });
  };
  const text = (e: Event) => (e.target as HTMLInputElement).value;
  return (
    <div class="card">
      <h3>Replies and helpdesk</h3>
      <Field id="support-email" label="Forward customer replies to" error={errors.supportEmail} hint="Left empty, replies go to the sender address.">
        {(props) => <input {...props} type="email" value={value.supportEmail ?? ''} onInput={(e) => onChange({ ...value, supportEmail: text(e).trim() || null })} />}
      </Field>
      <Field id="helpdesk-kind" label="Helpdesk" error={errors.helpdesk ?? errors['helpdesk.kind']}>
        {(props) => (
          <select {...props} value={desk?.kind ?? ''} onChange={(e) => choose((e.target as HTMLSelectElement).value as HelpdeskKind | '')}>
            <option value="">None</option>
            {Object.entries(HELPDESKS).map(([kind, { name }]) => (
              <option key={kind} value={kind}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {desk ? (
        <>
          <Field id="helpdesk-subdomain" label="Subdomain" error={errors['helpdesk.subdomain']} suffix={`.${HELPDESKS[desk.kind].host}`}>
            {(props) => <input {...props} value={desk.subdomain} autocomplete="off" spellcheck={false} onInput={(e) => setDesk({ subdomain: text(e).trim() })} />}
          </Field>
          {desk.kind === 'freshdesk' ? null : (
            <Field id="helpdesk-email" label="Agent email" error={errors['helpdesk.email']} hint="The login the API key belongs to.">
              {(props) => <input {...props} type="email" value={desk.email ?? ''} onInput={(e) => setDesk({ email: text(e).trim() || null })} />}
            </Field>
          )}
          <Field id="helpdesk-key" label="API key" error={errors['helpdesk.apiKey']} hint={desk.apiKey === MASK ? 'A key is stored: leave it to keep it.' : undefined}>
            {(props) => <input {...props} type="password" autocomplete="off" value={desk.apiKey} onInput={(e) => setDesk({ apiKey: text(e).trim() })} />}
          </Field>
          {desk.kind === 'reamaze' ? (
            <Field id="helpdesk-channel" label="Re:amaze channel slug" error={errors['helpdesk.channel']}>
              {(props) => <input {...props} value={desk.channel ?? ''} onInput={(e) => setDesk({ channel: text(e).trim() || null })} />}
            </Field>
          ) : null}
          <label class="check">
            <input type="checkbox" checked={desk.ticketPerBackorder} onChange={(e) => setDesk({ ticketPerBackorder: (e.target as HTMLInputElement).checked })} /> Open a ticket for every backorder
          </label>
        </>
      ) : null}
    </div>
  );
}

interface ControlProps {
  id: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** A labelled control with its hint, a fixed suffix (the helpdesk host) and the API's error, all tied to it for screen readers. */
function Field({ id, label, error, hint, suffix, children }: { id: string; label: string; error?: string; hint?: string; suffix?: string; children: (props: ControlProps) => ComponentChildren }) {
  const described = [suffix ? `${id}-suffix` : '', hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const control = children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described || undefined });
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {suffix ? (
        <span class="affix">
          {control}
          <span id={`${id}-suffix`}>{suffix}</span>
        </span>
      ) : (
        control
      )}
      {hint ? (
        <span class="muted" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Splits an API error onto this section's fields: its message without the field name, or null when the field is not one of ours. */
export function replyFieldError(field: string | undefined, message: string): FieldErrors | null {
  if (!field || !(field === 'supportEmail' || field === 'helpdesk' || field.startsWith('helpdesk.'))) return null;
  return { [field]: message.startsWith(`${field} `) ? message.slice(field.length + 1) : message };
}
