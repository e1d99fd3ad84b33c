// Seeds the demo workspace `demo` (idempotent) and prints its id and secret key.
// The secret key is shown once by the API, so it is kept in .wrangler/demo-credentials.json.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

// A third argument names where to keep the credentials (tests and bench keep theirs apart
// from the dev database's).
const [base, rootKey, credsFile = '.wrangler/demo-credentials.json'] = process.argv.slice(2);
const res = await fetch(`${base}/admin/v1/workspaces`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${rootKey}` },
  body: JSON.stringify({
    id: 'demo',
    name: 'Acme Analytics',
    identityVerification: 'optional',
    allowedOrigins: [],
    messenger: {
      primaryColor: '#4f46e5',
      welcomeMessage: 'Hi there 👋 Ask us anything about Acme Analytics — we usually reply in a few minutes.',
      teamName: 'Acme support',
      teammates: [{ name: 'Ada Lovelace' }, { name: 'Grace Hopper' }],
    },
  }),
});
const body = await res.json();
let creds;
if (res.status === 201) {
  creds = { workspaceId: body.workspaceId, secretKey: body.secretKey, identitySecret: body.identitySecret, identityJwtSecret: body.identityJwtSecret };
  mkdirSync(dirname(credsFile), { recursive: true });
  writeFileSync(credsFile, JSON.stringify(creds, null, 2));
} else if (body?.error?.code === 'ALREADY_EXISTS') {
  try { creds = JSON.parse(readFileSync(credsFile, 'utf8')); } catch { creds = { workspaceId: 'demo', secretKey: '(lost: delete .wrangler/state to reseed)' }; }
} else {
  console.error('seeding failed:', res.status, JSON.stringify(body));
  process.exit(1);
}
// A teammate for the agent console (/console/), created once; their key is shown once too.
if (!creds.teammateKey && creds.secretKey?.startsWith('psk_')) {
  const t = await fetch(`${base}/admin/v1/teammates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${creds.secretKey}` },
    body: JSON.stringify({ name: 'Ada Lovelace' }),
  });
  if (t.status === 201) {
    creds.teammateKey = (await t.json()).key;
    writeFileSync(credsFile, JSON.stringify(creds, null, 2));
  }
}
console.log(`demo workspace id:  ${creds.workspaceId}`);
console.log(`demo secret key:    ${creds.secretKey}`);
if (creds.identitySecret) console.log(`identity secret:    ${creds.identitySecret}`);
if (creds.identityJwtSecret) console.log(`JWT signing key:    ${creds.identityJwtSecret}`);
if (creds.teammateKey) console.log(`teammate key:       ${creds.teammateKey}  (agent console: ${base}/console/)`);
