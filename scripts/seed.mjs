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
// Content a newcomer sees at once on the demo pages: a banner on the landing page; on the app
// page a 4-step product tour, a post after a few seconds (its first button starts the tour), a
// tooltip on its Export button and, once the visitor has created a report, an NPS survey whose
// follow-up question branches on the score. Each is created (and activated) once, by name: a later seed
// leaves alone what is there, edits and pauses included.
// Static assets are served without `.html` (`/app.html` redirects to `/app`), so both spellings
// of each path are named. The audience (a page path rule) decides on which pages the edge
// offers an item; its triggers (all must hold: shared/src/targeting/page.rs) when on the page
// the widget shows it — so one page_visit trigger names both landing paths, as a regex. A
// visitor's URL never has the `.html` (the redirect), so the tour's trigger and its step's
// `page` name the path as the address bar shows it.
const pagePath = (paths) => ({ type: 'condition', property: { source: 'page', key: 'path' }, operator: 'in', value: paths });
const LANDING = ['/', '/index.html'];
const APP = ['/app', '/app.html'];
const BILLING = ['/billing', '/billing.html'];
const TOUR = ['tours', {
  name: 'Demo: tour of the app',
  content: {
    // A step whose element never shows (a page changed since the tour was written) still
    // tells the visitor what it had to say, as a centred card.
    missingTarget: 'center',
    steps: [
      {
        kind: 'post',
        title: 'Welcome to Acme Reports',
        body: 'A one-minute look around: where your reports are, and where your plan and invoices live. Leave at any time; the tour picks up where you left it.',
      },
      {
        // Rendered by the page about 1.5 s after load (www/app.html): the step waits for it.
        selector: '#reports-table',
        title: 'Your recent reports',
        body: 'Every report your team edited in the last 7 days, with how often it was viewed. Open one to see its charts or share it.',
        placement: 'above',
      },
      {
        selector: '#nav-billing',
        title: 'Billing',
        body: 'Your plan and invoices live here. Click **Billing** to go on.',
        placement: 'below',
        advance: 'click',
      },
      {
        selector: '#upgrade-plan',
        page: '/billing',
        title: 'Need more seats?',
        body: 'Upgrade whenever your team grows: the new plan starts at once, and this month you pay only the difference.',
      },
    ],
    // Visitors whose language is French or Arabic get these texts (issue 15 item 5), field by
    // field: whatever is not translated stays in English, the workspace's default language.
    translations: {
      fr: {
        steps: [
          { title: 'Bienvenue dans Acme Reports', body: "Un tour d'une minute : où sont vos rapports, et où trouver votre offre et vos factures. Quittez quand vous voulez ; la visite reprend là où vous l'avez laissée." },
          { title: 'Vos rapports récents', body: "Chaque rapport modifié par votre équipe ces 7 derniers jours, avec son nombre de vues. Ouvrez-en un pour voir ses graphiques ou le partager." },
          { title: 'Facturation', body: 'Votre offre et vos factures sont ici. Cliquez sur **Facturation** pour continuer.' },
          { title: "Besoin de plus de places ?", body: "Changez d'offre quand votre équipe grandit : la nouvelle offre démarre aussitôt, et ce mois-ci vous ne payez que la différence." },
        ],
      },
      ar: {
        steps: [
          { title: 'مرحبًا بك في Acme Reports', body: 'جولة في دقيقة واحدة: أين تجد تقاريرك، وأين خطتك وفواتيرك. يمكنك المغادرة في أي وقت؛ وتستأنف الجولة من حيث توقفت.' },
          { title: 'تقاريرك الأخيرة', body: 'كل تقرير عدّله فريقك خلال الأيام السبعة الماضية، مع عدد مرات مشاهدته. افتح أحدها لترى رسومه البيانية أو تشاركه.' },
          { title: 'الفوترة', body: 'خطتك وفواتيرك هنا. انقر على **الفوترة** للمتابعة.' },
          { title: 'تحتاج إلى مقاعد إضافية؟', body: 'رقِّ خطتك متى كبر فريقك: تبدأ الخطة الجديدة فورًا، وتدفع هذا الشهر الفرق فقط.' },
        ],
      },
    },
  },
  // Offered on both pages it runs on; it starts on the app page, the first time only.
  audience: pagePath([...APP, ...BILLING]),
  triggers: [{ type: 'page_visit', match: 'exact', value: '/app' }],
  frequency: 'first_time_only',
}];
// The NPS survey: a small card after the app page's "Create report" (it tracks
// `report_created`, www/app.html). The follow-up depends on the score: 0-6 → what would make
// it better, 7-8 → what is missing, 9-10 → what they like most; each then ends the survey
// (the last one by being last). A follow-up is optional: skipped, it ends the survey too.
const toEnd = [{ when: { op: 'answered' }, to: 'end' }, { when: { op: 'skipped' }, to: 'end' }];
const SURVEY = ['surveys', {
  name: 'Demo: NPS after a report',
  content: {
    format: 'small',
    thankYou: { title: 'Thank you!', body: 'Every answer is read by the Acme Reports team.' },
    questions: [
      {
        id: 'nps',
        type: 'nps',
        prompt: 'How likely are you to recommend Acme Reports to a colleague?',
        required: true,
        lowLabel: 'Not at all likely',
        highLabel: 'Extremely likely',
        storeAsAttribute: 'nps_score',
        branches: [
          { when: { op: 'lt', value: 7 }, to: 'better' },
          { when: { op: 'one_of', value: [7, 8] }, to: 'missing' },
          { when: { op: 'gt', value: 8 }, to: 'like' },
        ],
      },
      { id: 'better', type: 'long_text', prompt: 'What would make it better?', placeholder: 'Tell us what got in your way', branches: toEnd },
      { id: 'missing', type: 'short_text', prompt: "What's missing?", placeholder: 'One thing we should add', branches: toEnd },
      {
        id: 'like',
        type: 'multiple_choice',
        prompt: 'What do you like most?',
        options: ['The charts', 'Sharing with my team', 'CSV exports', 'Speed'],
        multiple: true,
      },
    ],
    // Translated option lists are labels: answers keep the English options as their values,
    // so results count a choice whatever the language it was picked in.
    translations: {
      fr: {
        thankYou: { title: 'Merci !', body: "Chaque réponse est lue par l'équipe Acme Reports." },
        questions: [
          { prompt: 'Quelle est la probabilité que vous recommandiez Acme Reports à un collègue ?', lowLabel: 'Pas du tout probable', highLabel: 'Très probable' },
          { prompt: "Qu'est-ce qui l'améliorerait ?", placeholder: 'Dites-nous ce qui vous a gêné' },
          { prompt: 'Que manque-t-il ?', placeholder: 'Une chose que nous devrions ajouter' },
          { prompt: "Qu'aimez-vous le plus ?", options: ['Les graphiques', 'Le partage avec mon équipe', 'Les exports CSV', 'La rapidité'] },
        ],
      },
      ar: {
        thankYou: { title: 'شكرًا لك!', body: 'يقرأ فريق Acme Reports كل إجابة.' },
        questions: [
          { prompt: 'ما مدى احتمال أن توصي زميلًا باستخدام Acme Reports؟', lowLabel: 'غير محتمل إطلاقًا', highLabel: 'محتمل جدًا' },
          { prompt: 'ما الذي يجعله أفضل؟', placeholder: 'أخبرنا بما أعاقك' },
          { prompt: 'ما الذي ينقصه؟', placeholder: 'شيء واحد ينبغي أن نضيفه' },
          { prompt: 'ما أكثر ما يعجبك؟', options: ['الرسوم البيانية', 'المشاركة مع فريقي', 'التصدير بصيغة CSV', 'السرعة'] },
        ],
      },
    },
  },
  audience: pagePath(APP),
  triggers: [{ type: 'event', name: 'report_created' }],
  frequency: 'until_completed',
}];
const demoContent = (tourId) => [
  SURVEY,
  ['outbound', {
    kind: 'banner',
    name: 'Demo: welcome banner',
    content: {
      body: 'Acme Analytics turns your product data into reports your whole team can read. Questions? We are one click away.',
      position: 'top',
      // In the page's flow: it pushes the demo's header down instead of covering it.
      style: 'inline',
      buttons: [{ label: 'Chat with us', action: { type: 'open_messenger' } }],
      translations: {
        fr: {
          body: "Acme Analytics transforme les données de votre produit en rapports lisibles par toute votre équipe. Une question ? Nous sommes à un clic.",
          buttons: [{ label: 'Discuter avec nous' }],
        },
        ar: {
          body: 'يحوّل Acme Analytics بيانات منتجك إلى تقارير يقرؤها فريقك كله. لديك سؤال؟ نحن على بُعد نقرة واحدة.',
          buttons: [{ label: 'تحدّث معنا' }],
        },
      },
    },
    audience: pagePath(LANDING),
    triggers: [{ type: 'page_visit', match: 'regex', value: '^/(index\\.html)?$' }],
    frequency: 'until_dismissed',
  }],
  ['outbound', {
    kind: 'post',
    name: 'Demo: welcome to the app',
    content: {
      title: 'Welcome to your dashboard',
      body: 'Your reports live here. Create one from any chart, share it with your team, or export it as CSV. New here? Take the one-minute tour. Stuck? Ask us from the messenger, bottom right.',
      buttons: [
        { label: 'Take the tour', action: { type: 'start_tour', tourId } },
        { label: 'Got it', action: { type: 'dismiss' } },
        { label: 'Ask a question', action: { type: 'open_messenger' } },
      ],
    },
    audience: pagePath(APP),
    triggers: [{ type: 'time_on_page', seconds: 4 }],
    frequency: 'once_per_session',
  }],
  ['tooltips', {
    name: 'Demo: export tip',
    content: { selector: '#export-csv', body: 'Export the dashboard as CSV: one row per report, ready for a spreadsheet.' },
    audience: pagePath(APP),
    frequency: 'until_dismissed',
  }],
];

// The help center's demo articles (issue 13): what the messenger's Help space searches.
const DEMO_ARTICLES = [
  {
    title: 'Export a report as CSV',
    body: 'Open a report and press **Export**. You get one row per data point, ready for a spreadsheet.\n\nLarge reports are sent by email instead: see [the export guide](https://example.com/guides/export).',
    translations: {
      fr: { title: 'Exporter un rapport en CSV', body: "Ouvrez un rapport et appuyez sur **Exporter**. Vous obtenez une ligne par point de données, prête pour un tableur.\n\nLes gros rapports sont envoyés par e-mail : voir [le guide d'export](https://example.com/guides/export)." },
      ar: { title: 'تصدير تقرير بصيغة CSV', body: 'افتح تقريرًا واضغط على **تصدير**. تحصل على صف لكل نقطة بيانات، جاهز لجدول بيانات.\n\nتُرسل التقارير الكبيرة بالبريد الإلكتروني: راجع [دليل التصدير](https://example.com/guides/export).' },
    },
  },
  { title: 'Invite your teammates', body: 'Go to *Settings → Team* and add their email addresses. Each teammate gets an invitation that is valid for seven days.' },
  { title: 'Reset your password', body: 'On the sign-in page choose **Forgot password**. We email you a link; it works once, for one hour.' },
  { title: 'Share a dashboard', body: 'Dashboards are private until you share them. Press Share and pick people or make a read-only link. You can also export it as CSV from the same menu.' },
];

async function admin(method, path, body) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${creds.secretKey}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => null);
  if (!r.ok) {
    console.error(`seeding failed: ${method} ${path}:`, r.status, JSON.stringify(json));
    process.exit(1);
  }
  return json;
}

if (creds.secretKey?.startsWith('psk_')) {
  // name → id of what each family already has.
  const existing = {};
  const ensure = async ([family, body]) => {
    existing[family] ??= new Map((await admin('GET', `/admin/v1/${family}`))[family].map((i) => [i.name, i.id]));
    const id = existing[family].get(body.name);
    if (id) return id;
    const item = await admin('POST', `/admin/v1/${family}`, body);
    await admin('POST', `/admin/v1/${family}/${item.id}/activate`);
    existing[family].set(body.name, item.id);
    return item.id;
  };
  // The tour first: the post's button names it.
  const tourId = await ensure(TOUR);
  for (const item of demoContent(tourId)) await ensure(item);

  // --- The messenger's spaces (issue 13): a help center, common questions on the Home, and a
  // checklist in Tasks. Created once, by title / name, like the rest.
  const collections = (await admin('GET', '/admin/v1/collections')).collections;
  const collectionId = collections.find((c) => c.name === 'Getting started')?.id
    ?? (await admin('POST', '/admin/v1/collections', { name: 'Getting started', description: 'The first steps with Acme Analytics.' })).id;
  const articles = new Map((await admin('GET', '/admin/v1/articles')).articles.map((a) => [a.title, a.id]));
  for (const a of DEMO_ARTICLES) {
    if (articles.has(a.title)) continue;
    const made = await admin('POST', '/admin/v1/articles', { ...a, collectionId });
    await admin('POST', `/admin/v1/articles/${made.id}/activate`);
    articles.set(a.title, made.id);
  }
  const ws = await admin('GET', '/admin/v1/workspace');
  if (!ws.messenger.commonQuestions?.length) {
    await admin('PATCH', '/admin/v1/workspace', {
      messenger: {
        ...ws.messenger,
        commonQuestions: [
          { title: 'How do I export a report as CSV?', articleId: articles.get('Export a report as CSV') },
          { title: 'How do I invite my team?', articleId: articles.get('Invite your teammates') },
          { title: 'Is Acme Analytics up?', url: 'https://status.example.com/' },
        ],
      },
    });
  }
  await ensure(['checklists', {
    name: 'Demo: get started',
    content: {
      title: 'Get started with Acme Analytics',
      description: 'Four steps to your first shared report.',
      tasks: [
        { id: 'tour', title: 'Take the one-minute tour', action: { type: 'start_tour', tourId } },
        { id: 'report', title: 'Create your first report', description: 'On the app page, press Create report.', completion: { type: 'event', name: 'report_created' } },
        { id: 'guide', title: 'Read the export guide', action: { type: 'open_url', url: 'https://example.com/guides/export' } },
        { id: 'invite', title: 'Invite a teammate' },
      ],
    },
  }]);
}

console.log(`demo workspace id:  ${creds.workspaceId}`);
console.log(`demo secret key:    ${creds.secretKey}`);
if (creds.identitySecret) console.log(`identity secret:    ${creds.identitySecret}`);
if (creds.identityJwtSecret) console.log(`JWT signing key:    ${creds.identityJwtSecret}`);
if (creds.teammateKey) console.log(`teammate key:       ${creds.teammateKey}  (agent console: ${base}/console/)`);
