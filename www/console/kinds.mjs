// Every kind the admin API authors, described once: where it lives, its list's key, which of its
// fields get a form control, which are edited as JSON (the audience, triggers and frequency with a
// visual builder above their editor: reach.mjs), which editor holds the translations
// (`translations`: translations.mjs), what a new one starts as, and its status words.
// content.mjs draws lists and editors from these rows; nothing there is per kind.

const ITEM_STATUS = {
  // status → the transitions the edge allows from it (shared::vocab::Status::after)
  draft: ['activate', 'archive'],
  active: ['pause', 'archive'],
  paused: ['activate', 'archive'],
  archived: [],
};
const ITEM_VERBS = { activate: 'Activate', pause: 'Pause', archive: 'Archive' };
const ITEM_DONE = { activate: 'Activated', pause: 'Paused', archive: 'Archived' };
const ARTICLE_STATUS = { draft: ['activate', 'archive'], published: ['pause', 'archive'], archived: ['activate', 'pause'] };
const ARTICLE_VERBS = { activate: 'Publish', pause: 'Unpublish', archive: 'Archive' };
const ARTICLE_DONE = { activate: 'Published', pause: 'Unpublished', archive: 'Archived' };

const NAME = { key: 'name', label: 'Name', type: 'text', required: true, max: 100 };
const PRIORITY = { key: 'priority', label: 'Priority', type: 'number', min: -1000, max: 1000, hint: 'Decides between items that cannot show together: tours, posts and large surveys (one at a time), or two of the same kind; higher first (−1000 to 1000). A tour, post or large survey always comes before banners, small surveys, tooltips and chats, whatever their priority.' };
const DELIVERY = [
  { key: 'audience', label: 'Audience rule (JSON)', hint: 'null: everyone. A condition, an and / or / not group or a segment reference.' },
  { key: 'triggers', label: 'Triggers (JSON)', hint: '[] shows at once; up to 5 triggers (page_visit, time_on_page, scroll_depth, exit_intent, event…).' },
  { key: 'frequency', label: 'Frequency (JSON)', hint: 'A mode ("once", "always"…) or {"mode": …, "maxTimes": …}.' },
];
const pagePath = (path) => ({ type: 'condition', property: { source: 'page', key: 'path' }, operator: 'equals', value: path });

/** @type {Record<string, object>} */
export const KINDS = {
  tours: {
    translations: 'content',
    label: 'Tours', one: 'tour', path: '/admin/v1/tours', list: 'tours', statuses: ITEM_STATUS, verbs: ITEM_VERBS, done: ITEM_DONE,
    fields: [NAME, PRIORITY],
    json: [{ key: 'content', label: 'Steps and settings (JSON)', hint: 'What the Steps form above writes: steps (1–30: pointer, post or video), snoozeHours, showProgress, missingTarget, translations.' }, ...DELIVERY],
    blank: () => ({ name: '', content: { steps: [{ kind: 'post', title: 'Welcome', body: 'A one-minute look around.' }] }, audience: null, triggers: [], frequency: 'first_time_only' }),
  },
  surveys: {
    translations: 'content',
    label: 'Surveys', one: 'survey', path: '/admin/v1/surveys', list: 'surveys', statuses: ITEM_STATUS, verbs: ITEM_VERBS, done: ITEM_DONE,
    fields: [NAME, PRIORITY],
    json: [{ key: 'content', label: 'Questions, branching and texts (JSON)', hint: 'What the Questions form above writes: questions (1–20: nps, numeric_scale, star_rating, emoji_rating, dropdown, multiple_choice, short_text, long_text), each with branches; intro, thankYou, format, translations.' }, ...DELIVERY],
    blank: () => ({ name: '', content: { format: 'small', questions: [{ id: 'nps', type: 'nps', prompt: 'How likely are you to recommend us to a friend?', required: true }] }, audience: null, triggers: [], frequency: 'once' }),
  },
  outbound: {
    translations: 'content',
    label: 'Outbound messages', one: 'outbound message', path: '/admin/v1/outbound', list: 'outbound', statuses: ITEM_STATUS, verbs: ITEM_VERBS, done: ITEM_DONE, typeColumn: 'kind',
    fields: [
      { key: 'kind', label: 'Type', type: 'select', options: [['banner', 'Banner'], ['post', 'Post'], ['chat', 'Chat message']], createOnly: true },
      NAME, PRIORITY,
      { key: 'content.title', label: 'Title', type: 'text', max: 120, empty: null },
      { key: 'content.body', label: 'Body', type: 'textarea', required: true, hint: 'Plain text; banners up to 500 characters, posts and chats 2000.' },
    ],
    json: [{ key: 'content', label: 'Other content (JSON)', rest: true, hint: 'buttons (up to 3), position, style (banners), dismissible, imageUrl…' }, ...DELIVERY],
    blank: () => ({ kind: 'banner', name: '', content: { title: '', body: '', position: 'top', style: 'inline', dismissible: true, buttons: [] }, audience: null, triggers: [], frequency: 'until_dismissed' }),
  },
  tooltips: {
    translations: 'content',
    label: 'Tooltips', one: 'tooltip', path: '/admin/v1/tooltips', list: 'tooltips', statuses: ITEM_STATUS, verbs: ITEM_VERBS, done: ITEM_DONE,
    fields: [
      NAME, PRIORITY,
      { key: 'content.selector', label: 'Element (CSS selector)', type: 'text', required: true, max: 500 },
      { key: 'content.title', label: 'Title', type: 'text', max: 120, empty: null },
      { key: 'content.body', label: 'Body', type: 'textarea', required: true, hint: 'Plain text, up to 500 characters.' },
    ],
    json: [{ key: 'content', label: 'Other content (JSON)', rest: true, hint: 'buttons, hint ("beacon" or "element"), dismissible.' }, ...DELIVERY],
    blank: () => ({ name: '', content: { selector: '', title: '', body: '', hint: 'beacon', dismissible: true, buttons: [] }, audience: null, triggers: [], frequency: 'until_dismissed' }),
  },
  checklists: {
    translations: 'content',
    label: 'Checklists', one: 'checklist', path: '/admin/v1/checklists', list: 'checklists', statuses: ITEM_STATUS, verbs: ITEM_VERBS, done: ITEM_DONE,
    fields: [
      NAME, PRIORITY,
      { key: 'content.title', label: 'Title', type: 'text', required: true, max: 120 },
      { key: 'content.description', label: 'Description', type: 'textarea', empty: null },
    ],
    json: [{ key: 'content', label: 'Tasks (JSON)', rest: true, hint: 'What the Tasks form above writes: tasks (up to 20, each {id, title, description?, action?, completion?}), translations.' }, ...DELIVERY],
    blank: () => ({ name: '', content: { title: '', description: '', tasks: [{ id: 'profile', title: 'Complete your profile' }] }, audience: null, triggers: [], frequency: 'until_completed' }),
  },
  segments: {
    label: 'Segments', one: 'segment', path: '/admin/v1/segments', list: 'segments',
    fields: [NAME],
    json: [{ key: 'rule', label: 'Rule (JSON)', hint: 'Who is in the segment: a condition, an and / or / not group, or another segment.' }],
    blank: () => ({ name: '', rule: pagePath('/pricing') }),
  },
  collections: {
    label: 'Collections', one: 'collection', path: '/admin/v1/collections', list: 'collections',
    fields: [NAME, { key: 'description', label: 'Description', type: 'textarea', max: 500, empty: null }],
    json: [],
    blank: () => ({ name: '', description: '' }),
  },
  articles: {
    label: 'Articles', one: 'article', path: '/admin/v1/articles', list: 'articles', statuses: ARTICLE_STATUS, verbs: ARTICLE_VERBS, done: ARTICLE_DONE, nameKey: 'title',
    fields: [
      { key: 'title', label: 'Title', type: 'text', required: true, max: 200 },
      { key: 'collectionId', label: 'Collection', type: 'select', options: 'collections', empty: null },
      { key: 'body', label: 'Article text', type: 'textarea', required: true, rows: 14, hint: '**bold**, *italic*, `code`, [links](https://…) and line breaks; shown in the messenger’s help centre.' },
    ],
    translations: 'translations',
    json: [{ key: 'translations', label: 'Translations (JSON)', hint: '{"fr": {"title": …, "body": …}}, by language; an untranslated field shows the default text.' }],
    blank: () => ({ title: '', collectionId: null, body: '', translations: {} }),
  },
};

/** The nav's groups, in order. */
export const CONTENT_KINDS = ['outbound', 'tours', 'surveys', 'tooltips', 'checklists'];
export const HELP_KINDS = ['articles', 'collections'];

export const nameOf = (kind, item) => item[kind.nameKey ?? 'name'] ?? '';
