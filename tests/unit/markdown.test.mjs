// The agent console renders chat text with a JavaScript copy of the widget's Markdown rules
// (shared::chat::spans). Both are held to the same vectors: this file checks the console's,
// shared/src/chat.rs checks the widget's.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spans, safeHref } from '../../www/console/markdown.mjs';

const vectors = JSON.parse(readFileSync(new URL('../../shared/tests/markdown.json', import.meta.url), 'utf8'));

test('the console renders every shared vector the way the widget does', () => {
  assert.ok(vectors.length >= 30);
  for (const { input, spans: want } of vectors) assert.deepEqual(spans(input), want, JSON.stringify(input));
});

test('no vector turns a dangerous target into a link', () => {
  for (const { spans: got } of vectors) {
    for (const s of got.filter((x) => x.t === 'a')) assert.match(s.href, /^(https?:\/\/|mailto:)/i);
  }
  for (const bad of ['javascript:alert(1)', ' javascript:x', 'data:text/html,x', '//evil.test', 'https://a.test/"x', 'vbscript:x']) assert.equal(safeHref(bad), false, bad);
});
