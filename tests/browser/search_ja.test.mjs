// Help-center search in Japanese, in a browser: a visitor whose browser speaks Japanese types a
// word that sits inside a sentence of an article and sees the article (the edge's trigram
// index), a title match above a body match, a two-character word found too; axe-clean.
// Screenshot: tests/output/search-ja.png.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freshContext, watchErrors, axe, outputPath } from '../lib/browser.mjs';
import { BASE, createWorkspace } from '../lib/harness.mjs';
import { article } from '../lib/help.mjs';

let host;
after(() => host?.close());

test('a Japanese visitor finds an article by a word inside one of its sentences', async () => {
  const ws = await createWorkspace();
  await article(ws, { title: 'レポートをCSVで書き出す', body: 'レポートを開いて書き出しを押すと、スプレッドシートで開けるファイルが届きます。' });
  await article(ws, { title: 'Import a spreadsheet', body: 'Upload a CSV file of your invoices.',
    translations: { ja: { title: 'スプレッドシートの取り込み', body: '請求書の一覧をCSVファイルから取り込みます。' } } });
  host = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html lang="ja"><head><title>Host</title><link rel="icon" href="data:,"></head><body><main><h1>Host</h1></main>
      <script async src="${BASE}/porchlight.js" data-workspace="${ws.id}"></script></body></html>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));

  const { context, close } = await freshContext();
  try {
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'languages', { get: () => ['ja'] });
      Object.defineProperty(Navigator.prototype, 'language', { get: () => 'ja' });
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`http://127.0.0.1:${host.address().port}/`);
    await page.getByRole('button', { name: /^メッセンジャーを開く/ }).click();
    await page.getByRole('tab', { name: 'ヘルプ' }).click();
    const help = page.getByRole('tabpanel', { name: 'ヘルプ' });
    const box = help.getByRole('searchbox', { name: 'ヘルプを検索' });
    const results = help.getByRole('list').first();
    const titles = () => results.getByRole('button').evaluateAll((bs) => bs.map((b) => b.firstChild.textContent));

    // A word inside a sentence; the translated title ranks above the body match.
    await box.fill('スプレッドシート');
    await results.getByRole('button', { name: /^レポートをCSVで書き出す/ }).waitFor({ timeout: 10000 });
    assert.deepEqual(await titles(), ['スプレッドシートの取り込み', 'レポートをCSVで書き出す']);
    await page.screenshot({ path: outputPath('search-ja.png') });
    const violations = await axe(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

    // Two characters: too short for trigrams, found all the same.
    await box.fill('書き');
    await help.getByRole('button', { name: /^スプレッドシートの取り込み/ }).waitFor({ state: 'detached', timeout: 10000 });
    assert.deepEqual(await titles(), ['レポートをCSVで書き出す']);

    // Nothing matches: said in Japanese.
    await box.fill('存在しない言葉');
    await help.getByRole('status').filter({ hasText: '検索に一致する記事はありません。' }).waitFor({ timeout: 10000 });

    // The article opens in Japanese.
    await box.fill('取り込み');
    await results.getByRole('button', { name: /^スプレッドシートの取り込み/ }).click();
    await help.getByRole('heading', { name: 'スプレッドシートの取り込み' }).waitFor({ timeout: 10000 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
