// Workspace settings (workspace secret key only): name and allowed origins, the messenger's look
// with a live preview of the launcher, the default language, office hours, identity verification and its secret's
// rotation, and the workspace secret key's rotation. New secrets are shown once, here, and
// nowhere else.
import { api, key } from './api.mjs';
import { h, announce } from './dom.mjs';
import { field, fitRows, checkJson, placeError, get, alertBox, showAlert } from './forms.mjs';
import { LANGUAGES, languageName } from './translations.mjs';

const MODES = [['optional', 'Optional — a proof verifies; no proof labels the visitor only'], ['required', 'Required — every identified visitor must prove who they are'], ['off', 'Off — anyone can claim to be any user (not safe)']];

/** #rgb → #rrggbb (what a colour input takes). */
const sixDigit = (c) => (/^#[0-9a-f]{3}$/i.test(c) ? `#${[...c.slice(1)].map((x) => x + x).join('')}` : c);

function readEntry(e) {
  if (e.spec.type === 'checkbox') return e.input.checked;
  if (e.json) return JSON.parse(e.input.value);
  if (e.spec.type === 'number') return e.input.value === '' ? undefined : Number(e.input.value);
  return e.input.value;
}
function writeEntry(e, v) {
  if (e.spec.type === 'checkbox') e.input.checked = !!v;
  else if (e.json) e.input.value = Array.isArray(v) ? `[\n${v.map((x) => `  ${JSON.stringify(x)}`).join(',\n')}\n]` : JSON.stringify(v ?? null, null, 2);
  else e.input.value = e.spec.type === 'color' ? sixDigit(v ?? '#000000') : v ?? '';
  fitRows(e);
}

/**
 * One settings form: its fields, a Save button, an alert for errors no field owns, a status
 * that says "Saved". `patch(values)` builds the PATCH body; the answer refreshes `state.ws`.
 */
function settingsForm(state, { title, intro, entries, patch, extra = [], after }) {
  const alert = alertBox();
  const saved = h('p', { class: 'saved', role: 'status' });
  const hid = `s-${title.replace(/\W+/g, '-').toLowerCase()}`;
  for (const e of entries) writeEntry(e, get(state.ws, e.key));
  const form = h('form', { novalidate: true, class: 'settings-form' },
    h('h2', { id: hid }, title), intro ? h('p', { class: 'hint' }, intro) : null,
    entries.map((e) => e.wrap), extra, alert,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, `Save ${title.toLowerCase()}`), saved));
  form.addEventListener('input', (ev) => {
    saved.textContent = '';
    const e = entries.find((x) => x.input === ev.target);
    if (e?.json) checkJson(e); else e?.clearError();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showAlert(alert, '');
    saved.textContent = '';
    for (const e of entries) e.clearError();
    const bad = entries.filter((e) => e.json && !checkJson(e));
    if (bad.length) { bad[0].input.focus(); return; }
    const values = Object.fromEntries(entries.map((e) => [e.key, readEntry(e)]));
    try {
      state.ws = await api('PATCH', '/admin/v1/workspace', patch(values));
      saved.textContent = 'Saved.';
      after?.();
    } catch (e) {
      const m = /^\/allowedOrigins\/(\d+)$/.exec(e.path ?? '');
      if (m) e.message = `Line ${Number(m[1]) + 1}: ${e.message}`;
      if (e.path) placeError(entries, e, alert); else showAlert(alert, e.message);
    }
  });
  return h('section', { 'aria-labelledby': hid, class: 'card' }, form);
}

/** The launcher as the page will show it: colour, side, spacing (scaled down). */
function launcherPreview(entries) {
  const by = (k) => entries.find((e) => e.key === `messenger.${k}`).input;
  const dot = h('span', { class: 'preview-launcher', 'aria-hidden': 'true' });
  const page = h('div', { class: 'preview-page', 'aria-hidden': 'true' }, h('span', { class: 'preview-line' }), h('span', { class: 'preview-line short' }), dot);
  const caption = h('figcaption', { class: 'hint' });
  const draw = () => {
    const side = by('launcherPosition').value;
    const x = Math.min(200, Math.max(0, Number(by('horizontalSpacing').value) || 0));
    const y = Math.min(200, Math.max(0, Number(by('verticalSpacing').value) || 0));
    dot.style.background = by('primaryColor').value;
    page.style.background = by('backgroundColor').value;
    dot.style.left = side === 'left' ? `${x / 2}px` : 'auto';
    dot.style.right = side === 'right' ? `${x / 2}px` : 'auto';
    dot.style.bottom = `${y / 2}px`;
    dot.hidden = !by('showLauncher').checked;
    caption.textContent = `Preview: launcher ${by('showLauncher').checked ? `at the bottom ${side}, ${by('primaryColor').value}` : 'hidden'}.`;
  };
  for (const e of entries) e.input.addEventListener('input', draw);
  return { el: h('figure', { class: 'preview' }, page, caption), draw };
}

function shownOnce(label, value, note) {
  const f = field({ key: label, label, type: 'text' });
  f.input.readOnly = true;
  f.input.value = value;
  f.input.classList.add('secret');
  return h('div', { class: 'shown-once', role: 'status' }, h('p', { class: 'strong' }, note), f.wrap);
}

export async function settingsView(view) {
  const h1 = h('h1', { tabindex: '-1' }, 'Settings');
  const alert = alertBox();
  view.replaceChildren(h1, alert);
  const state = {};
  try {
    state.ws = await api('GET', '/admin/v1/workspace');
  } catch (e) {
    showAlert(alert, e.message);
    return h1;
  }

  const general = settingsForm(state, {
    title: 'Workspace',
    entries: [
      field({ key: 'name', label: 'Workspace name', type: 'text', required: true, max: 100 }),
      field({ key: 'allowedOrigins', label: 'Allowed origins', type: 'textarea', rows: 4, hint: 'One per line: https://example.com, https://*.example.com or *.example.com. Empty: any site may embed the messenger.' }),
    ],
    patch: (v) => ({ name: v.name, allowedOrigins: String(v.allowedOrigins).split('\n').map((s) => s.trim()).filter(Boolean) }),
  });
  // The origins are a list: one per line in the textarea.
  general.querySelector('textarea').value = state.ws.allowedOrigins.join('\n');

  const lookEntries = [
    field({ key: 'messenger.primaryColor', label: 'Brand colour', type: 'color' }),
    field({ key: 'messenger.backgroundColor', label: 'Background colour', type: 'color' }),
    field({ key: 'messenger.appearance', label: 'Appearance', type: 'select', options: [['system', 'Follow the visitor’s system'], ['light', 'Light'], ['dark', 'Dark']] }),
    field({ key: 'messenger.launcherPosition', label: 'Launcher position', type: 'select', options: [['right', 'Bottom right'], ['left', 'Bottom left']] }),
    field({ key: 'messenger.horizontalSpacing', label: 'Distance from the side (px)', type: 'number', min: 0, max: 200 }),
    field({ key: 'messenger.verticalSpacing', label: 'Distance from the bottom (px)', type: 'number', min: 0, max: 200 }),
    field({ key: 'messenger.autoVisibility', label: 'Show the launcher only after a delay', type: 'checkbox' }),
    field({ key: 'messenger.visibilityDelayMs', label: 'Launcher delay (ms)', type: 'number', min: 0, max: 600000, hint: 'With “Show the launcher only after a delay”.' }),
    field({ key: 'messenger.showLauncher', label: 'Show the launcher', type: 'checkbox' }),
    field({ key: 'messenger.teamName', label: 'Team name', type: 'text', max: 80 }),
    field({ key: 'messenger.welcomeMessage', label: 'Welcome message', type: 'textarea', rows: 3 }),
  ];
  const preview = launcherPreview(lookEntries);
  const look = settingsForm(state, {
    title: 'Messenger look',
    entries: lookEntries,
    extra: [preview.el],
    // The messenger setting is replaced whole: send every stored field with the changes.
    patch: (v) => {
      const m = { ...state.ws.messenger };
      for (const [k, x] of Object.entries(v)) if (x !== undefined) m[k.slice('messenger.'.length)] = x;
      return { messenger: m };
    },
  });
  preview.draw();

  const language = settingsForm(state, {
    title: 'Language',
    intro: 'The language your content is written in. Visitors whose browser asks for a language the messenger does not speak get this one; translations of your content are added in each item’s editor.',
    entries: [field({ key: 'messenger.defaultLanguage', label: 'Default language', type: 'select', options: LANGUAGES.map((l) => [l, languageName(l)]) })],
    // The messenger setting is replaced whole: every stored field goes with the change.
    patch: (v) => ({ messenger: { ...state.ws.messenger, defaultLanguage: v['messenger.defaultLanguage'] } }),
  });

  const hours = state.ws.officeHours;
  const hoursEntries = [
    field({ key: 'officeHours.enabled', label: 'Set office hours (otherwise the team is always in)', type: 'checkbox' }),
    field({ key: 'officeHours.timeZone', label: 'Time zone', type: 'text', hint: 'An IANA name such as Europe/Paris.' }),
    field({ key: 'officeHours.hours', label: 'Opening hours (JSON)', hint: '[{"days": ["mon", "tue"], "open": "09:00", "close": "17:30"}]' }, { json: true }),
    field({ key: 'officeHours.replyTime', label: 'Usual reply time', type: 'select', options: [['minutes', 'In a few minutes'], ['hours', 'In a few hours'], ['day', 'In a day']] }),
    field({ key: 'officeHours.offlineMessage', label: 'Message while away', type: 'textarea', rows: 2 }),
  ];
  const office = settingsForm(state, {
    title: 'Office hours',
    entries: hoursEntries,
    patch: (v) => ({
      officeHours: v['officeHours.enabled'] ? {
        timeZone: v['officeHours.timeZone'],
        hours: v['officeHours.hours'],
        replyTime: v['officeHours.replyTime'] || undefined,
        offlineMessage: v['officeHours.offlineMessage'] || null,
      } : null,
    }),
  });
  const [enabled, tz, table, reply] = hoursEntries;
  enabled.input.checked = !!hours;
  if (!hours) { tz.input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; writeEntry(table, [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '17:00' }]); reply.input.value = 'hours'; }

  const automation = settingsForm(state, {
    title: 'Automation',
    entries: [
      field({ key: 'automation.assignment', label: 'New conversations are assigned', type: 'select', options: [['manual', 'By hand'], ['round_robin', 'In turn (round robin)']] }),
      field({ key: 'automation.csat', label: 'Ask the visitor to rate a closed conversation', type: 'checkbox' }),
      field({ key: 'automation.emailCapture', label: 'Ask for the visitor’s email', type: 'select', options: [['when_offline', 'When the team is away'], ['always', 'Always'], ['off', 'Never']] }),
      field({ key: 'automation.autoCloseAfterHours', label: 'Close idle conversations after (hours)', type: 'number', min: 1, max: 720, hint: 'Empty: never.' }),
      field({ key: 'automation.surveyCooldownDays', label: 'At most one survey per visitor every (days)', type: 'number', min: 0, max: 365, hint: 'Empty: no limit.' }),
      field({ key: 'automation.topicAssignees', label: 'Routing by pre-chat topic (JSON)', hint: '{"Billing": "<teammate id>"}: a conversation started under that topic goes to that teammate.' }, { json: true }),
    ],
    // Replaced whole: every field is sent; an empty number means unset.
    patch: (v) => ({
      automation: {
        assignment: v['automation.assignment'],
        csat: v['automation.csat'],
        emailCapture: v['automation.emailCapture'],
        autoCloseAfterHours: v['automation.autoCloseAfterHours'] ?? null,
        surveyCooldownDays: v['automation.surveyCooldownDays'] ?? null,
        topicAssignees: v['automation.topicAssignees'] ?? {},
      },
    }),
  });
  const routing = automation.querySelector('textarea.json');
  if (routing.value === 'null') routing.value = '{}';

  const rotated = h('div');
  const identity = settingsForm(state, {
    title: 'Identity verification',
    intro: 'How the messenger trusts a user id or email your site passes in. Sign them on your server with the identity secret (HMAC user hash or JWT).',
    entries: [field({ key: 'identityVerification', label: 'Mode', type: 'select', options: MODES })],
    patch: (v) => ({ identityVerification: v.identityVerification }),
    extra: [h('p', { class: 'hint' }, state.ws.previousIdentitySecretValidUntil && state.ws.previousIdentitySecretValidUntil > Date.now() ? `The previous secret still verifies until ${new Date(state.ws.previousIdentitySecretValidUntil).toLocaleString()}.` : '')],
  });
  identity.append(h('div', { class: 'danger-zone' },
    h('button', { type: 'button', class: 'quiet-border', onclick: async (ev) => {
      if (!confirm('Rotate the identity secret? Your servers must sign with the new one; the old one keeps working for a day.')) return;
      try {
        const r = await api('POST', '/admin/v1/workspace/identity-secret/rotate', {});
        rotated.replaceChildren(
          shownOnce('New identity secret', r.identitySecret, `Copy the new secret now: it is shown once. The previous one verifies until ${new Date(r.previousSecretValidUntil).toLocaleString()}.`),
          shownOnce('JWT signing key', r.identityJwtSecret, 'Sign userJwt tokens (HS256) with this key.'));
        rotated.querySelector('input').focus();
        ev.target.disabled = false;
      } catch (e) { rotated.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, e.message)); }
    } }, 'Rotate identity secret'), rotated));

  const keyOut = h('div');
  const secret = h('section', { 'aria-labelledby': 's-secret-key', class: 'card' },
    h('h2', { id: 's-secret-key' }, 'Workspace secret key'),
    h('p', { class: 'hint' }, 'The key your servers and this console use for the admin API. Rotating it stops the old key at once (this tab switches to the new one); teammates’ keys keep working.'),
    h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!confirm('Rotate the workspace secret key? The current key stops working immediately.')) return;
      try {
        const r = await api('POST', '/admin/v1/workspace/secret-key/rotate', {});
        key.set(r.secretKey);
        keyOut.replaceChildren(shownOnce('New workspace secret key', r.secretKey, 'Copy the new key now: it is shown once. The old key no longer works.'));
        keyOut.querySelector('input').focus();
      } catch (e) { keyOut.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, e.message)); }
    } }, 'Rotate secret key'), keyOut);

  view.append(general, look, language, office, automation, identity, secret);
  return h1;
}
