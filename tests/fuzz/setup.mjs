// Fixtures for one schemathesis run (tests/fuzz/run): a fresh workspace made with the root key,
// its three credentials — the workspace secret key (psk_), a teammate key (ptk_) and a visitor
// session token (wst_) — and one real item behind every `{id}` of edge/openapi.json, so the
// fuzzer reaches item routes instead of only 404s. Each credential gets its own workspace: the
// secret-key run PATCHes the workspace and DELETEs items, which must not change what the other
// runs see. DELETE routes get an item of their own ("victim") and so does archive ("spare": an
// archived item cannot come back), so GET/PATCH/activate/... keep reaching a live item whatever
// order the fuzzer runs operations in.
//
// usage: node tests/fuzz/setup.mjs BASE_URL ROOT_KEY OUT.json
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { steps, questions, checklistContent } from '../lib/fixtures.mjs';

const [base, rootKey, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node tests/fuzz/setup.mjs BASE_URL ROOT_KEY OUT.json');
  process.exit(2);
}

// The fuzzer's own visitor: identityVerification "off" lets a boot with this userId come back
// to the same visitor (and its conversations and tickets) with a fresh token.
const USER_ID = 'fuzz-visitor';
// Setup requests count against the IP limits too: keep them apart from the fuzzer's.
const SETUP_IP = `10.250.${Math.floor(Math.random() * 250)}.1`;

async function call(method, path, { token, body } = {}) {
  const headers = { 'cf-connecting-ip': SETUP_IP };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    // workerd under `wrangler dev` sometimes restarts its isolate and asks for the request again.
    if (res.status === 503 && attempt < 5) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    return { status: res.status, body: text ? JSON.parse(text) : null, text };
  }
}

async function must(status, method, path, opts) {
  const r = await call(method, path, opts);
  if (r.status !== status) throw new Error(`setup: ${method} ${path} → ${r.status} ${r.text}`);
  return r.body;
}

async function workspace(label) {
  const ws = await must(201, 'POST', '/admin/v1/workspaces', {
    token: rootKey,
    body: { name: `Fuzz ${label}`, identityVerification: 'off', allowedOrigins: [] },
  });
  const psk = ws.secretKey;
  const admin = (status, method, path, body) => must(status, method, path, { token: psk, body });

  const teammate = await admin(201, 'POST', '/admin/v1/teammates', { name: 'Fuzz Agent' });
  const spareTeammate = await admin(201, 'POST', '/admin/v1/teammates', { name: 'Spare Agent' });

  const families = {
    outbound: (n) => ({ kind: 'post', name: `Post ${n}`, content: { title: 'Hello', body: 'Build reports without SQL.' }, frequency: 'always' }),
    tooltips: (n) => ({ name: `Tip ${n}`, content: { body: 'Export any report as CSV.', selector: '#export' } }),
    tours: (n) => ({ name: `Tour ${n}`, content: { steps } }),
    surveys: (n) => ({ name: `Survey ${n}`, content: { questions } }),
    checklists: (n) => ({ name: `Checklist ${n}`, content: checklistContent }),
  };
  const items = {};
  for (const [family, body] of Object.entries(families)) {
    const main = await admin(201, 'POST', `/admin/v1/${family}`, body('main'));
    await admin(200, 'POST', `/admin/v1/${family}/${main.id}/activate`);
    const victim = await admin(201, 'POST', `/admin/v1/${family}`, body('victim'));
    const spare = await admin(201, 'POST', `/admin/v1/${family}`, body('spare'));
    items[family] = { main: main.id, victim: victim.id, spare: spare.id };
  }
  const segment = await admin(201, 'POST', '/admin/v1/segments', { name: 'Pro', rule: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' } });
  const spareSegment = await admin(201, 'POST', '/admin/v1/segments', { name: 'Spare', rule: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'free' } });
  items.segments = { main: segment.id, victim: spareSegment.id };
  const collection = await admin(201, 'POST', '/admin/v1/collections', { name: 'Reports', description: 'Everything about reports' });
  const spareCollection = await admin(201, 'POST', '/admin/v1/collections', { name: 'Spare' });
  items.collections = { main: collection.id, victim: spareCollection.id };
  const article = await admin(201, 'POST', '/admin/v1/articles', { title: 'Export reports', body: 'Reports export as CSV from the report menu.', collectionId: collection.id });
  await admin(200, 'POST', `/admin/v1/articles/${article.id}/activate`);
  const victimArticle = await admin(201, 'POST', '/admin/v1/articles', { title: 'Victim', body: 'Deleted by the fuzzer' });
  const spareArticle = await admin(201, 'POST', '/admin/v1/articles', { title: 'Spare', body: 'Archived by the fuzzer' });
  items.articles = { main: article.id, victim: victimArticle.id, spare: spareArticle.id };

  // The visitor, with a conversation to talk in, one to close, one closed (csat) and a ticket.
  const v = await must(200, 'POST', '/v1/boot', { body: { workspaceId: ws.workspaceId, userId: USER_ID, attributes: { plan: 'pro' } } });
  const wst = v.sessionToken;
  const visitor = (status, method, path, body) => must(status, method, path, { token: wst, body });
  await visitor(202, 'POST', '/v1/events', { events: [{ name: 'report_exported', properties: { format: 'csv' } }] });
  const cid = () => `c${Math.random().toString(36).slice(2, 12)}`;
  const start = async (text) => (await visitor(201, 'POST', '/v1/conversations', { message: { clientId: cid(), body: text } })).conversation.id;
  const open = await start('Hello, is anyone there?');
  const closable = await start('Another question');
  const rated = await start('A question that gets answered');
  await must(201, 'POST', `/admin/v1/conversations/${open}/messages`, { token: teammate.key, body: { clientId: cid(), body: 'Hi! How can I help?' } });
  await must(201, 'POST', `/admin/v1/conversations/${rated}/messages`, { token: teammate.key, body: { clientId: cid(), body: 'Done.' } });
  await admin(200, 'POST', `/admin/v1/conversations/${rated}/close`);
  const ticket = await visitor(201, 'POST', '/v1/tickets', { subject: 'Export fails', body: 'The CSV export is empty.' });

  return {
    workspaceId: ws.workspaceId,
    userId: USER_ID,
    credentials: { psk, ptk: teammate.key, wst },
    ids: {
      ...items,
      teammates: { main: teammate.teammate.id, victim: spareTeammate.teammate.id },
      visitor: v.visitor.id,
      conversations: { open, closable, rated },
      ticket: ticket.id,
      checklistTasks: checklistContent.tasks.map((t) => t.id),
    },
  };
}

const fixtures = {};
for (const credential of ['psk', 'ptk', 'wst']) fixtures[credential] = await workspace(credential);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(fixtures, null, 2));
