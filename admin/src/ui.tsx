import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, download } from './api.ts';

export interface Loaded<T> {
  data: T | null;
  error: string;
  loading: boolean;
  reload: () => Promise<void>;
}

/** GET one admin resource, again whenever `path` changes; `null` waits. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(path !== null);
  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      setData(await api<T>(path));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** A failure the user must see, read out by screen readers; nothing when there is none. */
export function Alert({ message }: { message: string }) {
  return message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;
}

/**
 * The three states every list has before it has rows: loading, failed (with a
 * retry) and empty (with what to do about it). Renders its children otherwise.
 */
export function States({ state, empty, isEmpty, children }: { state: Loaded<unknown>; empty: ComponentChildren; isEmpty: boolean; children: ComponentChildren }) {
  if (state.error)
    return (
      <div class="error" role="alert">
        {state.error}{' '}
        <button type="button" class="link" onClick={() => void state.reload()}>
          Try again
        </button>
      </div>
    );
  if (state.loading && state.data === null)
    return (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    );
  if (isEmpty) return <p class="muted empty">{empty}</p>;
  return <>{children}</>;
}

/** A CSV export behind the bearer key, with its own busy and failed states. */
export function ExportButton({ path, filename, label }: { path: string; filename: string; label: string }) {
  const [state, setState] = useState<'idle' | 'busy' | string>('idle');
  const go = async () => {
    setState('busy');
    try {
      await download(path, filename);
      setState('idle');
    } catch (e) {
      setState((e as Error).message);
    }
  };
  return (
    <>
      <button type="button" class="secondary" disabled={state === 'busy'} onClick={go}>
        {state === 'busy' ? 'Exporting…' : label}
      </button>
      {state !== 'idle' && state !== 'busy' ? (
        <span class="error" role="alert">
          {' '}
          {state}
        </span>
      ) : null}
    </>
  );
}

/** A link to another dashboard page without reloading: the app follows the history (main.tsx listens to popstate). */
export function PageLink({ href, children }: { href: string; children: ComponentChildren }) {
  const go = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    history.pushState(null, '', href);
    dispatchEvent(new PopStateEvent('popstate'));
  };
  return (
    <a href={href} onClick={go}>
      {children}
    </a>
  );
}

/** A row of tabs choosing one of `options` (`[value, label]`). */
export function Tabs<T extends string>({ label, options, value, onChange }: { label: string; options: Array<[T, string]>; value: T; onChange: (value: T) => void }) {
  return (
    <div role="tablist" aria-label={label}>
      {options.map(([v, text]) => (
        <button key={v} type="button" role="tab" aria-selected={value === v} onClick={() => onChange(v)}>
          {text}
        </button>
      ))}
    </div>
  );
}

/** What the last save or send did, beside its buttons. */
export const SaveStatus = ({ status }: { status: { ok: boolean; text: string } | null }) =>
  status ? (
    <span class={status.ok ? 'muted' : 'error'} role="status">
      {status.text}
    </span>
  ) : null;

/** One figure in a `<dl>` of figures (the overview, the backorder desk's report). */
export function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/**
 * A real modal: the browser's <dialog> opened with showModal(), so focus moves
 * into it and stays there, the page behind is inert, and Escape closes it.
 */
export function Modal({ label, onClose, children }: { label: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);
  const cancel = (e: Event) => {
    e.preventDefault();
    onClose();
  };
  return (
    <dialog ref={ref} class="dialog" aria-label={label} onCancel={cancel}>
      {children}
    </dialog>
  );
}
