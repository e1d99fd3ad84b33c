// The help-center API tests' kit: authoring an article (published unless told) and searching
// as a visitor.
import assert from 'node:assert/strict';
import { call } from './harness.mjs';

/** Creates an article of `ws` from `body` (published unless `publish` is false). */
export async function article(ws, body, publish = true) {
  const r = await call('POST', '/admin/v1/articles', { token: ws.key, body });
  assert.equal(r.status, 201, r.text);
  if (publish) assert.equal((await call('POST', `/admin/v1/articles/${r.body.id}/activate`, { token: ws.key })).body.status, 'published');
  return r.body;
}

/** The results of `GET /v1/articles/search?q=` for the visitor of session `token`. */
export async function search(token, q) {
  const r = await call('GET', `/v1/articles/search?q=${encodeURIComponent(q)}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body.results;
}
