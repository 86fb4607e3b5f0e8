/**
 * Two ways in. The shop's secret key, kept for this browser tab only
 * (sessionStorage) and sent as a Bearer header; or a team member's session,
 * an HttpOnly cookie this code never sees, whose CSRF token (from the server,
 * kept in memory) goes with every call that changes something.
 */
const KEY = 'waitline:secret';
let csrf: string | null = null;

export const session = {
  get: () => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  setCsrf: (token: string | null) => {
    csrf = token;
  },
  clear: () => {
    sessionStorage.removeItem(KEY);
    csrf = null;
  },
};

/** The credential headers of a call: the key when there is one, else the session's CSRF token on a change. */
export function credentials(method: string): Record<string, string> {
  const key = session.get();
  if (key) return { authorization: `Bearer ${key}` };
  return csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {};
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The request field the error names (SPEC error shape), for showing it beside that field. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { ...credentials(init.method ?? 'GET'), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error?.message ?? `Request failed (${res.status})`, data?.error?.field);
  return data as T;
}

/**
 * Server-sent events over fetch: EventSource cannot send the Authorization
 * header, a stream reader can. Calls `on(event, data)` per event until the
 * server closes the stream or `signal` aborts.
 */
export async function events(path: string, on: (event: string, data: unknown) => void, signal?: AbortSignal): Promise<void> {
  const res = await fetch(path, { headers: { ...credentials('GET'), accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new ApiError(res.status, `Request failed (${res.status})`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) on(event, JSON.parse(data.join('\n')));
    }
  }
}

/** Downloads an admin export (it needs the bearer header, so a plain link will not do). */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: credentials('GET') });
  if (!res.ok) throw new ApiError(res.status, `Export failed (${res.status})`);
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
