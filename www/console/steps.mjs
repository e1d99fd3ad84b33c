// The tour editor's steps builder: a tour's steps and its settings as a form — kind, title, body,
// element, placement, what moves it on, video, page and how long to wait for a late element, per
// step; add, move and remove steps; "Remind me later", progress and the missing-element policy
// for the tour. It reads and writes the content JSON editor below it (the shape of
// shared/src/experiences/tours.rs: TourContent, TourStep) and never decides validity: the edge
// checks the tour when it is saved, and its error is shown here beside the control whose JSON
// pointer the error's path names.
import { h } from './dom.mjs';
import { control, select, numberOf, jsonForm, formSection, boundText, listButtons } from './builders.mjs';

export const MAX_STEPS = 30; // shared::experiences::tours::MAX_TOUR_STEPS

const KINDS = [['pointer', 'Pointer: a popover on an element'], ['post', 'Post: a centred card'], ['video', 'Video: a centred card with a video']];
const PLACEMENTS = [['auto', 'Where it fits best'], ['below', 'Below'], ['above', 'Above'], ['right', 'After (right, left in RTL)'], ['left', 'Before (left, right in RTL)']];
const ADVANCES = [['button', 'The Next button'], ['click', 'A click on the element'], ['fill', 'Typing into the element']];
const MISSING = [['center', 'Show the step as a centred card'], ['skip', 'Skip to the next step'], ['end', 'End the tour']];
/** The keys of a step and of the content the builder shows; anything else: JSON only. */
const STEP_KEYS = new Set(['kind', 'title', 'body', 'selector', 'placement', 'advance', 'page', 'videoUrl', 'waitMs']);
const CONTENT_KEYS = new Set(['steps', 'snoozeHours', 'showProgress', 'missingTarget', 'translations']);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const known = (v, options) => v === undefined || options.some(([o]) => o === v);

/** Whether the builder can show `content` faithfully (else the tour is edited as JSON only). */
export function editable(content) {
  return isObject(content) && Object.keys(content).every((k) => CONTENT_KEYS.has(k))
    && (content.steps === undefined || (Array.isArray(content.steps) && content.steps.every((s) => isObject(s)
      && Object.keys(s).every((k) => STEP_KEYS.has(k))
      && known(s.kind, KINDS) && known(s.placement, PLACEMENTS) && known(s.advance, ADVANCES))))
    && known(content.missingTarget, MISSING);
}

/**
 * Adds the Steps section before the content JSON editor `entry` (an item's `content`, shown at
 * `/content` in a save's errors). Returns `{sync(), claim(err)}` as the other builders do.
 */
export function attachSteps(entry) {
  const form = jsonForm(entry, () => draw(), {
    editable,
    unreadable: 'Fix the JSON below first: the steps are read from it.',
    unshown: 'This tour uses a shape the builder does not show: edit it as JSON below.',
  });
  const { root, state, changed, redraw } = form;
  const bound = (o, key, label, pointer, opts) => boundText(o, key, label, pointer, changed, opts);
  function choice(o, key, label, pointer, options, fallback, then = changed) {
    const el = select(options, o[key] ?? fallback);
    el.addEventListener('change', () => {
      if (el.value === fallback) delete o[key]; else o[key] = el.value;
      then(pointer);
    });
    return control(label, el, pointer);
  }

  function step(s, i, steps) {
    const p = `/steps/${i}`;
    const kind = s.kind ?? 'pointer';
    const anchored = kind === 'pointer' || (s.advance ?? 'button') !== 'button';
    const fields = [
      choice(s, 'kind', 'Kind', `${p}/kind`, KINDS, 'pointer', (at) => {
        if ((s.kind ?? 'pointer') !== 'video') delete s.videoUrl;
        redraw(at);
      }),
      bound(s, 'title', 'Title', `${p}/title`, { attrs: { maxlength: 120 } }),
      bound(s, 'body', 'Body', `${p}/body`, { long: true, hint: '**bold**, *italic*, `code`, [links](https://…); up to 2,000 characters.', attrs: { maxlength: 2000 } }),
    ];
    if (kind === 'video') {
      fields.push(bound(s, 'videoUrl', 'Video link', `${p}/videoUrl`, { hint: 'An https link to a YouTube, Vimeo or Loom video, or to a video file (.mp4, .webm…).', attrs: { type: 'url' } }));
    }
    fields.push(
      bound(s, 'selector', anchored ? 'Element (CSS selector)' : 'Element (CSS selector, optional)', `${p}/selector`,
        { hint: anchored ? 'The element the step points at, e.g. #export or [data-tour="export"].' : 'Only for a step that moves on with a click or typing.', attrs: { maxlength: 500 } }),
      choice(s, 'advance', 'Moves on with', `${p}/advance`, ADVANCES, 'button', redraw));
    if (kind === 'pointer') fields.push(choice(s, 'placement', 'Placement', `${p}/placement`, PLACEMENTS, 'auto'));
    if (anchored) {
      // The engine's milliseconds, shown in seconds.
      fields.push(bound(s, 'waitMs', 'Wait for the element (seconds)', `${p}/waitMs`, {
        wide: false, hint: 'Empty: 10. At most 60.', attrs: { type: 'number', min: 0, max: 60, step: 'any', class: 'short' },
        toValue: (t) => { const v = numberOf(t); return typeof v === 'number' ? Math.round(v * 1000) : v; },
        fromValue: (v) => (typeof v === 'number' ? v / 1000 : v),
      }));
    }
    fields.push(bound(s, 'page', 'Page (multi-page tours)', `${p}/page`, { hint: 'The path this step runs on, e.g. /billing. Empty: the page the tour is on.', attrs: { maxlength: 2048 } }));
    return h('fieldset', { class: 'trigger tour-step' },
      h('legend', {}, `Step ${i + 1}`),
      h('div', { class: 'rule-row' }, fields),
      listButtons(steps, i, 'step', redraw, (j) => `/steps/${j}/kind`));
  }

  function draw() {
    const { content } = state;
    const steps = (content.steps ??= []);
    const progress = h('input', { type: 'checkbox', checked: content.showProgress !== false });
    progress.addEventListener('change', () => { if (progress.checked) delete content.showProgress; else content.showProgress = false; changed(); });
    root.replaceChildren(...[
      steps.length ? h('div', { class: 'steps' }, steps.map((s, i) => step(s, i, steps))) : h('p', { class: 'hint' }, 'No steps yet: a tour needs at least one to go live.'),
      steps.length < MAX_STEPS ? h('button', { type: 'button', class: 'small', onclick: () => {
        steps.push({ kind: 'pointer', body: '' });
        redraw(`/steps/${steps.length - 1}/kind`);
      } }, 'Add step') : h('p', { class: 'hint' }, `At most ${MAX_STEPS} steps.`),
      h('fieldset', { class: 'trigger' }, h('legend', {}, 'The whole tour'),
        h('div', { class: 'rule-row' },
          choice(content, 'missingTarget', 'When a step’s element never appears', '/missingTarget', MISSING, 'center'),
          bound(content, 'snoozeHours', '“Remind me later” hides it for (hours)', '/snoozeHours', {
            wide: false, hint: 'Empty: 24. From 1 to 720.', attrs: { type: 'number', min: 1, max: 720, step: 1, class: 'short' }, toValue: numberOf,
          }),
          control('Show progress (“2 of 5”)', progress, '/showProgress'))),
      h('p', { class: 'field-error', hidden: true })].filter(Boolean));
  }

  return formSection(entry, form, {
    title: 'Steps',
    hint: 'Each step is checked when you save; the steps are also the JSON below, for what the form does not show.',
    under: /^\/content\/(steps|snoozeHours|showProgress|missingTarget)(\/|$)/,
  });
}
