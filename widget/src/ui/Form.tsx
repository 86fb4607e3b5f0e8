import { Component } from 'preact';
import { api, type ApiError, type SignupView } from '../api.ts';
import type { Mode, VariantConfig, WidgetConfig } from '../config.ts';
import { formatDate, type T } from './strings.ts';

interface Props {
  cfg: WidgetConfig;
  variantId: string;
  variant: VariantConfig;
  mode: Mode;
  t: T;
  shop: string;
}

interface State {
  email: string;
  phone: string;
  consent: boolean;
  quantity: number;
  sms: boolean;
  busy: boolean;
  error?: ApiError;
  signup?: SignupView & Saved;
  /** Where the link to an existing place was sent. */
  exists?: string;
}

/** What this browser keeps of a place: a pre-order's quantity too, so its confirmation reads the same after a reload. */
type Saved = { token: string; to: string; preordered?: number };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ACTIVE = ['pending', 'waiting', 'offered'];

/** One place in line: the form, or the shopper's status once they have joined (kept across visits). */
export class Form extends Component<Props, State> {
  override state: State = { email: '', phone: '', consent: false, quantity: 1, sms: false, busy: false };
  private key = `waitline:${this.props.cfg.key}:${this.props.variantId}`;
  private status?: HTMLElement | null;

  override componentDidMount() {
    const saved = this.load();
    if (!saved) return;
    api
      .status(this.props.cfg, saved.token)
      .then(({ signup }) => (ACTIVE.includes(signup.status) ? this.setState({ signup: { ...signup, ...saved } }) : this.save(null)))
      .catch(() => {});
  }

  load(): Saved | null {
    try {
      return JSON.parse(localStorage.getItem(this.key) || 'null');
    } catch {
      return null;
    }
  }

  save(value: Saved | null) {
    try {
      if (value) localStorage.setItem(this.key, JSON.stringify(value));
      else localStorage.removeItem(this.key);
    } catch {
      // private browsing: the place is still kept on the server
    }
  }

  submit = async (e: Event) => {
    e.preventDefault();
    const { cfg, variantId, mode, t } = this.props;
    const { email, phone, consent, quantity, busy } = this.state;
    const preorder = mode === 'preorder' && this.props.variant.preorderRemaining !== 0;
    if (busy) return;
    const fail = (error: ApiError) => {
      this.setState({ busy: false, error });
      (this.base as Element | undefined)?.querySelector<HTMLInputElement>(`[name=${error.field === 'phone' || error.field === 'smsConsent' ? 'phone' : 'email'}]`)?.focus();
    };
    if (!EMAIL.test(email.trim()) && !(phone && consent)) return fail({ code: 'invalid', field: 'email', message: t('widget.error.email') });
    if (phone && !consent) return fail({ code: 'invalid', field: 'phone', message: t('widget.error.consent') });
    this.setState({ busy: true, error: undefined });
    const website = (this.base as Element | undefined)?.querySelector<HTMLInputElement>('[name=website]')?.value;
    try {
      const { signup } = await api.join(cfg, {
        variantId,
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(phone ? { phone, smsConsent: true } : {}),
        ...(preorder ? { quantity, kind: 'preorder' } : {}),
        locale: cfg.locale,
        ...(website ? { website } : {}),
      });
      const to = [email.trim(), phone].filter(Boolean).join(', ');
      // Already in line: the place's link went to its owner's inbox, never to this page.
      if (signup.status === 'exists') return this.setState({ busy: false, exists: to }, () => this.status?.focus());
      // The server's word decides: past the pre-order limit the place is a plain waitlist one.
      const saved: Saved = { token: signup.token!, to, ...(signup.kind === 'preorder' ? { preordered: quantity } : {}) };
      this.save(saved);
      this.setState({ busy: false, signup: { ...signup, ...saved } }, () => this.status?.focus());
    } catch (error) {
      const err = error as ApiError;
      fail(err.message ? err : { code: 'network', message: t('widget.error.network') });
    }
  };

  leave = async () => {
    const { signup } = this.state;
    if (!signup) return;
    await api.leave(this.props.cfg, signup.token).catch(() => {});
    this.save(null);
    this.setState({ signup: undefined });
  };

  render({ variant, mode, t, shop, cfg }: Props, s: State) {
    const input = (name: keyof State) => (e: Event) => {
      const el = e.target as HTMLInputElement;
      this.setState({ [name]: el.type === 'checkbox' ? el.checked : el.type === 'number' ? Math.max(1, +el.value || 1) : el.value } as never);
    };
    const ref = (el: HTMLElement | null) => {
      this.status = el;
    };
    if (s.exists) {
      return (
        <p class="t" tabIndex={-1} ref={ref} role="status" aria-live="polite">
          {t('widget.exists', { to: s.exists })}
        </p>
      );
    }
    if (s.signup) {
      const { status, position, offer, to, preordered } = s.signup;
      const eta = variant.eta && { earliest: formatDate(variant.eta.earliest, cfg.locale), latest: formatDate(variant.eta.latest, cfg.locale) };
      return (
        <div>
          <p class="t" tabIndex={-1} ref={ref} role="status" aria-live="polite">
            {status === 'pending'
              ? t('widget.pending', { to })
              : status === 'offered' && offer
                ? t('widget.offered', { time: formatDate(offer.expiresAt, cfg.locale, true) })
                : preordered
                  ? t(eta ? 'widget.joined.preorder' : 'widget.joined.preorderNoEta', { position: position ?? 1, to, quantity: preordered, ...eta })
                  : t('widget.joined', { position: position ?? 1, to })}
          </p>
          {offer ? (
            <a class="b" href={offer.claimUrl}>
              {t('widget.claim')}
            </a>
          ) : null}
          <button type="button" class="l" onClick={this.leave}>
            {t('widget.leave')}
          </button>
        </div>
      );
    }
    // Past the pre-order limit the form is a plain waitlist, as the server would make it.
    const preorder = mode === 'preorder' && variant.preorderRemaining !== 0;
    const slots = preorder && variant.preorderRemaining !== null ? variant.preorderRemaining : null;
    const err = s.error;
    return (
      <form onSubmit={this.submit} noValidate>
        <p class="t" id="t">
          {preorder ? (variant.eta ? t('widget.title.preorder', { earliest: formatDate(variant.eta.earliest, cfg.locale), latest: formatDate(variant.eta.latest, cfg.locale) }) : t('widget.title.preorderNoEta')) : t('widget.title.waitlist')}
          {slots !== null ? <span class="s"> · {t('widget.slots', { count: slots })}</span> : null}
          {!preorder && variant.eta ? <span class="s"> · {t('widget.eta', { earliest: formatDate(variant.eta.earliest, cfg.locale), latest: formatDate(variant.eta.latest, cfg.locale) })}</span> : null}
        </p>
        <div class="r">
          <input class="e" name="email" type="email" autoComplete="email" aria-label={t('widget.email')} aria-describedby="t x" placeholder={t('widget.email')} value={s.email} onInput={input('email')} aria-invalid={err?.field === 'email'} />
          {preorder ? <input class="q" name="quantity" type="number" min={1} max={Math.min(100, slots ?? 100)} aria-label={t('widget.quantity')} value={s.quantity} onInput={input('quantity')} /> : null}
          <button class="b" type="submit" disabled={s.busy}>
            {t(preorder ? 'widget.button.preorder' : 'widget.button')}
          </button>
        </div>
        {s.sms ? (
          <div>
            <input class="e" name="phone" type="tel" autoComplete="tel" aria-label={t('widget.phone')} placeholder={t('widget.phone')} value={s.phone} onInput={input('phone')} aria-invalid={err?.field === 'phone' || err?.field === 'smsConsent'} style="width:100%;margin-top:8px" />
            <label class="c">
              <input type="checkbox" name="consent" checked={s.consent} onChange={input('consent')} />
              <span>{t('widget.consent')}</span>
            </label>
            <p class="g">{t('widget.legal', { shop })}</p>
          </div>
        ) : (
          <button type="button" class="l" aria-expanded="false" onClick={() => this.setState({ sms: true })}>
            {t('widget.sms')}
          </button>
        )}
        <input class="h" name="website" tabIndex={-1} autoComplete="off" aria-hidden="true" />
        <p class="x" id="x" role="alert">
          {err?.message}
        </p>
      </form>
    );
  }
}
