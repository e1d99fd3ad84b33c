// Help center: ranked full-text search over published articles only (D1 FTS5), reading,
// feedback once per visitor, plain-text excerpts, and workspace scoping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { article, search } from '../lib/help.mjs';


test('search ranks published articles, matches prefixes, and never shows drafts or other workspaces', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const col = (await call('POST', '/admin/v1/collections', { token: ws.key, body: { name: 'Reports', description: 'Everything about reports' } })).body;
  const exportA = await article(ws, { title: 'Export a report to CSV', body: 'Open the report, click Export and choose CSV.', collectionId: col.id });
  const billing = await article(ws, { title: 'Billing and invoices', body: 'You can export invoices from the billing page.' });
  await article(ws, { title: 'Export drafts secretly', body: 'Not published yet.' }, false);
  await article(other, { title: 'Export in another workspace', body: 'export export export' });
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const hits = await search(t, 'export');
  assert.deepEqual(hits.map((h) => h.id), [exportA.id, billing.id], 'title matches rank first; drafts and other workspaces never appear');
  assert.equal(hits[0].collectionId, col.id);
  assert.deepEqual((await search(t, 'invo')).map((h) => h.id), [billing.id], 'the last word matches as a prefix');
  assert.deepEqual(await search(t, 'nothing matches this'), []);
  assert.deepEqual(await search(t, '" OR * NEAR('), [], 'FTS syntax is never interpreted');
  assert.deepEqual(await search(t, ''), []);
  assertError(assert, await call('GET', `/v1/articles/search?q=${'x'.repeat(201)}`, { token: t }), 400, 'INVALID_INPUT');
  assertError(assert, await call('GET', '/v1/articles/search?q=export'), 401, 'NOT_AUTHENTICATED');
});

test('excerpts and bodies are plain text, whatever the article contains (Opencom bug 6)', async () => {
  const ws = await createWorkspace();
  const evil = '<img src=x onerror=alert(1)> Setup guide';
  const a = await article(ws, { title: 'Setup', body: evil });
  const v = await boot(ws.id);
  const [hit] = await search(v.body.sessionToken, 'setup');
  assert.equal(hit.id, a.id);
  assert.ok(!/<b>|<mark>/.test(hit.excerpt), 'no markup is added');
  assert.ok(hit.excerpt.includes('<img'), 'the text is returned as written, as text');
  const read = await call('GET', `/v1/articles/${a.id}`, { token: v.body.sessionToken });
  assert.equal(read.body.body, evil);
});

test('reading: drafts, archived and other workspaces are not found; unpublishing hides again', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const a = await article(ws, { title: 'Published', body: 'Hello' });
  const d = await article(ws, { title: 'Draft', body: 'Hidden' }, false);
  const v = await boot(ws.id);
  const stranger = await boot(other.id);
  assert.equal((await call('GET', `/v1/articles/${a.id}`, { token: v.body.sessionToken })).status, 200);
  assertError(assert, await call('GET', `/v1/articles/${d.id}`, { token: v.body.sessionToken }), 404, 'NOT_FOUND');
  assertError(assert, await call('GET', `/v1/articles/${a.id}`, { token: stranger.body.sessionToken }), 404, 'NOT_FOUND');
  await call('POST', `/admin/v1/articles/${a.id}/pause`, { token: ws.key });
  assertError(assert, await call('GET', `/v1/articles/${a.id}`, { token: v.body.sessionToken }), 404, 'NOT_FOUND');
  assert.deepEqual(await search(v.body.sessionToken, 'published'), []);
});

test('feedback: once per visitor and article; another visitor may; bad bodies refused', async () => {
  const ws = await createWorkspace();
  const a = await article(ws, { title: 'Helpful?', body: 'Maybe' });
  const v = await boot(ws.id);
  const w = await boot(ws.id);
  const fb = (token, body) => call('POST', `/v1/articles/${a.id}/feedback`, { token, body });
  assert.equal((await fb(v.body.sessionToken, { helpful: true })).status, 204);
  assertError(assert, await fb(v.body.sessionToken, { helpful: false }), 409, 'ALREADY_EXISTS');
  assert.equal((await fb(w.body.sessionToken, { helpful: false })).status, 204);
  assertError(assert, await fb(w.body.sessionToken, { helpful: 'yes' }), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', '/v1/articles/art_nope/feedback', { token: v.body.sessionToken, body: { helpful: true } }), 404, 'NOT_FOUND');
});

test('admin: articles and collections validated and scoped', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const theirs = (await call('POST', '/admin/v1/collections', { token: other.key, body: { name: 'Theirs' } })).body;
  for (const [body, path] of [[{ title: '', body: 'x' }, '/title'], [{ title: 'x' }, '/body'], [{ title: 'x', body: 'y', collectionId: theirs.id }, '/collectionId'], [{ title: 'x', body: 'y', html: '<b>' }, undefined]]) {
    const r = await call('POST', '/admin/v1/articles', { token: ws.key, body });
    assertError(assert, r, 400, 'INVALID_INPUT');
    if (path) assert.equal(r.body.error.path, path);
  }
  assert.deepEqual((await call('GET', '/admin/v1/articles', { token: ws.key })).body.articles, []);
  assertError(assert, await call('GET', `/admin/v1/collections/${theirs.id}`, { token: ws.key }), 404, 'NOT_FOUND');
  const mine = await article(ws, { title: 'Mine', body: 'x' });
  assertError(assert, await call('PATCH', `/admin/v1/articles/${mine.id}`, { token: other.key, body: { title: 'stolen' } }), 404, 'NOT_FOUND');
  const edited = await call('PATCH', `/admin/v1/articles/${mine.id}`, { token: ws.key, body: { title: 'Renamed guide' } });
  assert.equal(edited.body.title, 'Renamed guide');
  const v = await boot(ws.id);
  assert.deepEqual((await search(v.body.sessionToken, 'renamed')).map((h) => h.id), [mine.id], 'the index follows edits');
  assert.equal((await call('DELETE', `/admin/v1/articles/${mine.id}`, { token: ws.key })).status, 204);
  assert.deepEqual(await search(v.body.sessionToken, 'renamed'), [], 'and deletions');
});

test('search keeps to its workspace whatever its id or slug, and follows every save and delete in all seven languages', async () => {
  // Slugs that share words, separators and prefixes with each other and with generated ids.
  const run = `a${Date.now().toString(36)}`;
  const spaces = [];
  for (const id of [`${run}-help`, `${run}_help`, run, `ws_${run}`, `ws_${run}help`]) {
    const r = await call('POST', '/admin/v1/workspaces', { token: process.env.ROOT_KEY, body: { name: id, id } });
    assert.equal(r.status, 201, r.text);
    spaces.push({ id: r.body.workspaceId, key: r.body.secretKey });
  }
  spaces.push(await createWorkspace());
  const langs = { es: 'informe', fr: 'rapport', de: 'bericht', pt: 'relatorio', ja: '四半期報告書', ar: 'تقرير' };
  const made = [];
  for (const ws of spaces) {
    const translations = Object.fromEntries(Object.entries(langs).map(([l, w]) => [l, { title: `${w} quarterly`, body: `${w} body` }]));
    made.push(await article(ws, { title: 'Quarterly report', body: 'The quarterly report, exported.', translations }));
  }
  for (const [i, ws] of spaces.entries()) {
    const t = (await boot(ws.id)).body.sessionToken;
    assert.deepEqual((await search(t, 'quarterly')).map((h) => h.id), [made[i].id], `only ${ws.id}'s article`);
  }
  // Edits replace every language's rows of that article only; a delete removes them all.
  const [a, b] = spaces;
  const de = (await boot(a.id, { locale: 'de' })).body.sessionToken;
  const deB = (await boot(b.id, { locale: 'de' })).body.sessionToken;
  assert.deepEqual((await search(de, 'bericht')).map((h) => h.id), [made[0].id]);
  for (let i = 0; i < 3; i += 1) {
    const r = await call('PATCH', `/admin/v1/articles/${made[0].id}`, { token: a.key, body: { title: `Annual report ${i}`, translations: { de: { title: `Jahresbericht ${i}` } } } });
    assert.equal(r.status, 200, r.text);
  }
  assert.deepEqual(await search(de, 'bericht'), [], 'the old German title is gone');
  assert.deepEqual((await search(de, 'jahresbericht')).map((h) => [h.id, h.title]), [[made[0].id, 'Jahresbericht 2']], 'one row, the latest');
  assert.deepEqual((await search(deB, 'bericht')).map((h) => h.id), [made[1].id], "another workspace's rows are untouched");
  assert.equal((await call('DELETE', `/admin/v1/articles/${made[1].id}`, { token: b.key })).status, 204);
  assert.deepEqual(await search(deB, 'bericht'), []);
  assert.deepEqual((await search(de, 'jahresbericht')).map((h) => h.id), [made[0].id]);
  const ja = (await boot(spaces[2].id, { locale: 'ja' })).body.sessionToken;
  assert.deepEqual((await search(ja, '報告書')).map((h) => h.id), [made[2].id], 'the substring index too');
});
