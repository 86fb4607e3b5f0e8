import { useState } from 'preact/hooks';
import { joinQueue, type ApiError } from '../api.ts';
import type { VariantConfig, WidgetConfig } from '../config.ts';
import type { T } from './strings.ts';

interface Props {
  cfg: WidgetConfig;
  variantId: string;
  variant: VariantConfig;
  t: T;
}

export function Form({ cfg, variantId, variant, t }: Props) {
  const [email, setEmail] = useState('');
  const [website, setWebsite] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [position, setPosition] = useState<number | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const { signup } = await joinQueue(cfg, { variantId, email: email.trim(), locale: cfg.locale, website: website || undefined });
      setPosition(signup.position ?? 1);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  if (position !== null) {
    return (
      <p class="done" role="status">
        {t('widget.joined', { position, email })}
      </p>
    );
  }
  const title =
    variant.mode === 'preorder' && variant.eta
      ? t('widget.title.preorder', variant.eta)
      : t('widget.title.waitlist');
  return (
    <form onSubmit={submit} noValidate>
      <p class="title">{title}</p>
      <div class="row">
        <label>
          <span class="sr">{t('widget.email')}</span>
          <input
            type="email"
            name="email"
            required
            autoComplete="email"
            placeholder={t('widget.email')}
            value={email}
            aria-invalid={error?.field === 'email'}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('widget.button')}
        </button>
      </div>
      <input class="hp" tabIndex={-1} autoComplete="off" name="website" aria-hidden="true" value={website} onInput={(e) => setWebsite((e.target as HTMLInputElement).value)} />
      {error ? (
        <p class="error" role="alert">
          {error.message}
        </p>
      ) : null}
    </form>
  );
}
