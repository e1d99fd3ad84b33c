// The admin API as the console calls it: the key from this tab's sessionStorage in the
// Authorization header (never in a URL), JSON in and out, errors as `ApiError` carrying the
// envelope's code, message and JSON-pointer path.

const KEY = 'porchlight:console:key';

export const key = {
  get: () => sessionStorage.getItem(KEY),
  set: (k) => sessionStorage.setItem(KEY, k),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, envelope) {
    super(envelope?.error?.message ?? `The server answered ${status}.`);
    this.status = status;
    this.code = envelope?.error?.code ?? (status === 0 ? 'NETWORK' : 'HTTP');
    this.path = envelope?.error?.path ?? null;
  }
}

/** One call; `token` overrides the stored key (sign-in tries a key before keeping it). */
export async function api(method, path, body, token = key.get()) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, { error: { message: 'The server cannot be reached. Check your connection and try again.' } });
  }
  const json = res.status === 204 ? null : await res.json().catch(() => null);
  // The signed-in key stopped working (rotated, teammate removed): the shell signs out.
  if (res.status === 401 && token === key.get()) window.dispatchEvent(new CustomEvent('console:key-refused'));
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/**
 * What a key may open, confirmed by the edge with one cheap read the role needs: a teammate key
 * (`ptk_…`) must read the teammates list (`teammate`: inbox, visitors, tickets); any other key
 * must read the workspace settings, which answer the workspace secret key only (`owner`:
 * everything). The key's kind picks the probe so a valid key never meets a refusal (the
 * browser would log it); a bad key → ApiError 401 / 403.
 */
export async function probeRole(token) {
  if (token.startsWith('ptk_')) {
    await api('GET', '/admin/v1/teammates', undefined, token);
    return { role: 'teammate', workspaceName: '' };
  }
  const workspace = await api('GET', '/admin/v1/workspace', undefined, token);
  return { role: 'owner', workspaceName: workspace.name };
}
