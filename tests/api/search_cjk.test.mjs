// Help-center search in Japanese (and any text written without spaces between words): a word
// inside a sentence is found (the trigram index, migration 0021), in the text the visitor's
// language is served; a title match ranks above a body match; one- and two-character queries
// are looked for in the served text (too short for trigrams); hostile text is never a 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { article, search } from '../lib/help.mjs';

const ids = (hits) => hits.map((h) => h.id);

/** A workspace (default language English) with Japanese articles, one a translation. */
async function japaneseHelp() {
  const ws = await createWorkspace();
  const csv = await article(ws, { title: 'レポートをCSVで書き出す', body: 'レポートを開いて書き出しを押すと、スプレッドシートで開けるファイルが届きます。' });
  const sheet = await article(ws, { title: 'Import a spreadsheet', body: 'Upload a CSV file of your invoices.',
    translations: { ja: { title: 'スプレッドシートの取り込み', body: '請求書の一覧をCSVファイルから取り込みます。' } } });
  const payer = await article(ws, { title: '請求先の変更', body: '設定から会社名を変更できます。' });
  await article(ws, { title: 'スプレッドシートの下書き', body: '請求 書き 公開前です。' }, false);
  const other = await createWorkspace();
  await article(other, { title: 'スプレッドシートの請求', body: 'ほかのワークスペースの請求書です。' });
  const ja = (await boot(ws.id, { locale: 'ja' })).body.sessionToken;
  const en = (await boot(ws.id, { locale: 'en' })).body.sessionToken;
  return { ws, csv, sheet, payer, ja, en };
}

test('a Japanese word inside a sentence is found, title matches first, in the served language', async () => {
  const { ws, csv, sheet, payer, ja, en } = await japaneseHelp();

  const hits = await search(ja, 'スプレッドシート');
  assert.deepEqual(ids(hits), [sheet.id, csv.id], 'the translated title above the body sentence; no draft, no other workspace');
  assert.equal(hits[0].title, 'スプレッドシートの取り込み', 'answered with the Japanese text');
  assert.ok(hits[1].excerpt.includes('スプレッドシート'), hits[1].excerpt);
  assert.ok(!/<|>/.test(hits[1].excerpt), 'plain text');

  assert.deepEqual(ids(await search(ja, 'ファイル')).sort(), [csv.id, sheet.id].sort(), 'inside a sentence of either article');
  assert.deepEqual(ids(await search(ja, '取り込み')), [sheet.id]);
  assert.deepEqual(ids(await search(ja, 'csv 書き出す')), [csv.id], 'Latin and Japanese terms together, case ignored');
  assert.deepEqual(ids(await search(ja, 'スプレッドシート 請求書')), [sheet.id], 'every term required');
  assert.deepEqual(await search(ja, '存在しない言葉'), []);

  // Shorter than a trigram: looked for in the served text, title matches first.
  const two = await search(ja, '請求');
  assert.deepEqual(ids(two), [payer.id, sheet.id], 'title match above body match');
  assert.ok(two[1].excerpt.includes('請求書'), two[1].excerpt);
  assert.deepEqual(ids(await search(ja, '変更')), [payer.id]);
  assert.equal((await search(ja, '請'))[0].id, payer.id, 'one character works too');
  assert.deepEqual(ids(await search(ja, 'CSV 書き')), [csv.id], 'a short term with a Latin one');

  // An English visitor is served (and searches) the English text of the translated article.
  assert.deepEqual(ids(await search(en, 'スプレッドシート')), [csv.id]);
  assert.deepEqual(ids(await search(en, '請求')), [payer.id]);
  assert.deepEqual(ids(await search(en, 'spreadsheet')), [sheet.id], 'English search as before');
  assert.deepEqual(ids(await search(en, 'spread')), [sheet.id], 'the last word as a prefix, as before');
  assert.deepEqual(await search(ja, 'spreadsheet'), [], 'the Japanese visitor searches the Japanese text');

  // The index follows edits and deletions.
  const p = await call('PATCH', `/admin/v1/articles/${sheet.id}`, { token: ws.key, body: { translations: { ja: { title: '表計算の取り込み', body: '請求書の一覧を取り込みます。' } } } });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(ids(await search(ja, '表計算')), [sheet.id]);
  assert.deepEqual(ids(await search(ja, 'スプレッドシート')), [csv.id]);
  assert.equal((await call('DELETE', `/admin/v1/articles/${csv.id}`, { token: ws.key })).status, 204);
  assert.deepEqual(await search(ja, '書き出す'), []);
  assert.deepEqual(await search(ja, '書き'), [], 'the scan reads the same articles');
});

test('suggestions for a Japanese message (match=any) find what it is about', async () => {
  const { csv, sheet, ja } = await japaneseHelp();
  const any = async (q) => {
    const r = await call('GET', `/v1/articles/search?q=${encodeURIComponent(q)}&match=any`, { token: ja });
    assert.equal(r.status, 200, r.text);
    return ids(r.body.results);
  };
  assert.deepEqual(await any('CSVでレポートを書き出すにはどうすればいいですか？'), [csv.id, sheet.id], 'both terms above one');
  assert.deepEqual(await any('こんにちは'), [], 'nothing telling');
  const first = await call('POST', '/v1/conversations', { token: ja, body: { message: { clientId: 'c-ja-000001', body: 'レポートを書き出したいです' } } });
  assert.equal(first.status, 201, first.text);
  const page = await call('GET', `/v1/conversations/${first.body.conversation.id}/messages`, { token: ja });
  const system = page.body.messages.find((m) => m.author.type === 'system');
  assert.deepEqual(system?.articles, [{ id: csv.id, title: 'レポートをCSVで書き出す' }]);
});

test('hostile search text gets a clean answer, never a 500, and changes nothing', async () => {
  const { csv, sheet, ja } = await japaneseHelp();
  const hostile = [
    '"', '*', 'NEAR(', 'OR', 'AND NOT', '"スプレッドシート" OR "請求"', 'スプレッドシート*', 'NEAR(請求 変更, 2)',
    "'; DROP TABLE articles; -- 請求", '請求%', '%', '_', '\\', '請求\u0000書', 'title:請求', '^スプレッドシート',
    '{title body}:請求', 'レポート'.repeat(50), '請'.repeat(200), '請求 '.repeat(66), 'あ'.repeat(100) + ' ' + 'a'.repeat(99),
  ];
  for (const q of hostile) {
    const r = await call('GET', `/v1/articles/search?q=${encodeURIComponent(q)}`, { token: ja });
    assert.equal(r.status, 200, `${JSON.stringify(q)}: ${r.status} ${r.text}`);
    assert.ok(Array.isArray(r.body.results), q);
    for (const h of r.body.results) assert.equal(typeof h.excerpt, 'string');
  }
  for (const m of ['any', 'all']) {
    const r = await call('GET', `/v1/articles/search?q=${encodeURIComponent('"請求" OR NEAR(*')}&match=${m}`, { token: ja });
    assert.equal(r.status, 200, r.text);
  }
  assertError(assert, await call('GET', `/v1/articles/search?q=${encodeURIComponent('請'.repeat(201))}`, { token: ja }), 400, 'INVALID_INPUT');
  assert.deepEqual(ids(await search(ja, '"スプレッドシート"')), [sheet.id, csv.id], 'quotes are not syntax: the word is searched');
  assert.deepEqual(ids(await search(ja, 'スプレッドシート')), [sheet.id, csv.id], 'nothing changed');
});
