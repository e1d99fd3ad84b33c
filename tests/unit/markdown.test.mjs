// The agent console renders chat text with a JavaScript copy of the widget's Markdown rules
// (shared::chat::spans). Both are held to the same vectors: this file checks the console's,
// shared/src/chat.rs checks the widget's.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spans, safeHref, work } from '../../www/console/markdown.mjs';

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

// Hostile text costs work in proportion to its length, whatever its shape (characters looked at,
// counted by markdown.mjs: a count, unlike a time, does not depend on the machine). Before, each
// unclosed `[` or `[a](` searched to the end of the text, a bare link split the whole rest of the
// text to find its end (`"http:// "` × 1250: tens of milliseconds a message), and a label or
// target was checked again for every `[` before it: quadratic.
test('hostile text takes linear work', () => {
  const shapes = [
    (k) => 'http:// '.repeat(k),
    (k) => 'http://'.repeat(k),
    (k) => '*a '.repeat(k),
    (k) => '_'.repeat(k),
    (k) => '['.repeat(k),
    (k) => '[a]('.repeat(k),
    (k) => '`'.repeat(k),
    (k) => '**'.repeat(k),
    (k) => '['.repeat(k) + 'a](x)',
    (k) => '[a]('.repeat(k) + ')',
    (k) => '[a](http://'.repeat(k) + ')',
    (k) => '[\n'.repeat(k) + 'a](https://a.test)',
    (k) => 'http://'.repeat(k) + '.'.repeat(k),
    (k) => 'http://\u0001'.repeat(k),
    (k) => 'http://a' + '.,'.repeat(k) + 'b',
    (k) => 'http://é'.repeat(k),
    (k) => '*_`[**http://'.repeat(k),
    (k) => '[*_`](\n**https://x\u0085'.repeat(k),
  ];
  const steps = (text) => { work.steps = 0; spans(text); return work.steps; };
  for (const shape of shapes) {
    const [small, large] = [shape(1250), shape(2500)];
    const [a, b] = [steps(small), steps(large)];
    assert.ok(b < 3 * a && b <= 12 * large.length, `${JSON.stringify(small.slice(0, 12))}…: ${a} steps, then ${b} for twice as much`);
  }
});
