import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
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
