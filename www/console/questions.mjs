// The survey editor's questions builder: a survey's questions as a form — type, id, prompt,
// required, options, scale bounds and end labels, faces, placeholder, the attribute an answer is
// copied to, and branches (if the answer is / is one of / is more than… go to a later question
// or the end), per question; add, move and remove questions; the format and the intro and
// thank-you screens for the survey. It reads and writes the content JSON editor below it (the
// shape of shared/src/experiences/surveys.rs: SurveyContent, Question, and branching.rs:
// Branch) and never decides validity: the edge checks the survey when it is saved, and its
// error is shown here beside the control whose JSON pointer the error's path names.
import { h } from './dom.mjs';
import { control, select, numberOf, jsonForm, formSection, boundText, boundCheck, listButtons } from './builders.mjs';

export const MAX_QUESTIONS = 20; // shared::experiences::surveys::MAX_QUESTIONS
const MAX_BRANCHES = 10; // shared::experiences::branching::MAX_BRANCHES

const TYPES = [
  ['nps', 'NPS (0 to 10)'], ['numeric_scale', 'Numeric scale'], ['star_rating', 'Star rating (1 to 5)'], ['emoji_rating', 'Emoji rating'],
  ['dropdown', 'Dropdown'], ['multiple_choice', 'Multiple choice'], ['short_text', 'Short text'], ['long_text', 'Long text'],
];
const RATINGS = new Set(['nps', 'numeric_scale', 'star_rating', 'emoji_rating']);
const CHOICES = new Set(['dropdown', 'multiple_choice']);
const OPS = [['equals', 'is'], ['one_of', 'is one of'], ['gt', 'is more than'], ['lt', 'is less than'], ['answered', 'is given'], ['skipped', 'is skipped']];
const FORMATS = [['small', 'Small: a card in the corner, the page stays usable'], ['large', 'Large: a dialog in the middle, with a progress bar']];
/** The keys each type takes besides id, type, prompt, required, storeAsAttribute and branches. */
const TYPE_KEYS = {
  nps: ['lowLabel', 'highLabel'], numeric_scale: ['start', 'end', 'lowLabel', 'highLabel'], star_rating: ['lowLabel', 'highLabel'],
  emoji_rating: ['count', 'lowLabel', 'highLabel'], dropdown: ['options'], multiple_choice: ['options', 'multiple'],
  short_text: ['placeholder'], long_text: ['placeholder'],
};
const COMMON = ['id', 'type', 'prompt', 'required', 'storeAsAttribute', 'branches'];
const SCREEN_KEYS = ['title', 'body', 'buttonLabel'];
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const known = (v, options) => v === undefined || options.some(([o]) => o === v);

function branchEditable(b) {
  return isObject(b) && Object.keys(b).every((k) => k === 'when' || k === 'to') && typeof b.to === 'string'
    && isObject(b.when) && Object.keys(b.when).every((k) => k === 'op' || k === 'value') && known(b.when.op, OPS) && b.when.op !== undefined;
}
function questionEditable(q) {
  return isObject(q) && TYPE_KEYS[q.type] && Object.keys(q).every((k) => COMMON.includes(k) || TYPE_KEYS[q.type].includes(k))
    && (q.options === undefined || (Array.isArray(q.options) && q.options.every((o) => typeof o === 'string')))
    && (q.branches === undefined || (Array.isArray(q.branches) && q.branches.every(branchEditable)));
}
const screenEditable = (s) => s === undefined || (isObject(s) && Object.keys(s).every((k) => SCREEN_KEYS.includes(k)));

/** Whether the builder can show `content` faithfully (else the survey is edited as JSON only). */
export function editable(content) {
  return isObject(content) && Object.keys(content).every((k) => ['format', 'intro', 'thankYou', 'questions', 'translations'].includes(k))
    && known(content.format, FORMATS) && screenEditable(content.intro) && screenEditable(content.thankYou)
    && (content.questions === undefined || (Array.isArray(content.questions) && content.questions.every(questionEditable)));
}

/** A branch value as typed → the JSON the rule keeps (numbers for ratings; a list for one_of). */
function branchValue(q, op, text) {
  const one = (t) => (RATINGS.has(q.type) ? numberOf(t.trim()) : t.trim());
  return op === 'one_of' ? text.split(',').map((t) => t.trim()).filter(Boolean).map(one) : one(text);
}
const valueText = (v) => (Array.isArray(v) ? v.join(', ') : v === undefined ? '' : String(v));

/**
 * Adds the Questions section before the content JSON editor `entry` (a survey's `content`, at
 * `/content` in a save's errors). Returns `{sync(), claim(err)}` as the other builders do.
 */
export function attachQuestions(entry) {
  const form = jsonForm(entry, () => draw(), {
    editable,
    unreadable: 'Fix the JSON below first: the questions are read from it.',
    unshown: 'This survey uses a shape the builder does not show: edit it as JSON below.',
  });
  const { root, state, changed, redraw } = form;
  const bound = (o, key, label, pointer, opts = {}) => boundText(o, key, label, pointer, opts.then ?? changed, opts);
  const check = (o, key, label, pointer) => boundCheck(o, key, label, pointer, changed);

  /** The branches' "Go to" choices follow a question's id and prompt as they are typed. */
  function relabel(questions) {
    for (const opt of root.querySelectorAll('select[data-pointer$="/to"] option')) {
      const k = questions.findIndex((o) => o.id === opt.value);
      if (k >= 0) opt.textContent = `Question ${k + 1}: ${questions[k].prompt || questions[k].id}`;
    }
  }

  function branch(q, i, b, j, questions) {
    const p = `/questions/${i}/branches/${j}`;
    const op = select(OPS, b.when.op);
    op.addEventListener('change', () => {
      b.when = { op: op.value };
      redraw(`${p}/when/op`);
    });
    const fields = [control('If the answer', op, `${p}/when/op`)];
    if (b.when.op !== 'answered' && b.when.op !== 'skipped') {
      const value = h('input', { type: 'text', value: valueText(b.when.value) });
      value.addEventListener('input', () => {
        if (value.value.trim() === '') delete b.when.value; else b.when.value = branchValue(q, b.when.op, value.value);
        changed();
      });
      fields.push(control(b.when.op === 'one_of' ? 'Values, separated by commas' : 'Value', value, `${p}/when/value`,
        { hint: CHOICES.has(q.type) ? 'An option, as written above.' : RATINGS.has(q.type) ? 'A number on the scale.' : null }));
    }
    // Later questions and the end; a target not among them (moved, renamed in the JSON) is kept
    // and named, so the save's error says what is wrong with it.
    const later = questions.slice(i + 1).map((o, k) => [o.id, `Question ${i + k + 2}: ${o.prompt || o.id}`]);
    const targets = [...later, ['end', 'The end of the survey']];
    if (!targets.some(([v]) => v === b.to)) targets.unshift([b.to, `${b.to} (not a later question)`]);
    const to = select(targets, b.to);
    to.addEventListener('change', () => { b.to = to.value; changed(); });
    fields.push(control('Go to', to, `${p}/to`));
    return h('div', { class: 'rule-row filter-row', role: 'group', 'aria-label': `Branch ${j + 1} of question ${i + 1}` }, fields,
      h('button', { type: 'button', class: 'small quiet-border', 'aria-label': `Remove branch ${j + 1} of question ${i + 1}`, onclick: () => {
        q.branches.splice(j, 1);
        if (!q.branches.length) delete q.branches;
        redraw(`/questions/${i}/type`);
      } }, 'Remove'));
  }

  function question(q, i, questions) {
    const p = `/questions/${i}`;
    const type = select(TYPES, q.type);
    type.addEventListener('change', () => {
      for (const k of Object.keys(q)) if (!COMMON.includes(k)) delete q[k];
      q.type = type.value;
      if (CHOICES.has(q.type)) q.options = [];
      redraw(`${p}/type`);
    });
    const id = h('input', { type: 'text', value: q.id ?? '', spellcheck: 'false', maxlength: 64 });
    id.addEventListener('input', () => {
      // Branches that went to this question follow it to its new id.
      const was = q.id;
      q.id = id.value;
      for (const o of questions) for (const b of o.branches ?? []) if (b.to === was) b.to = q.id;
      for (const opt of root.querySelectorAll('select[data-pointer$="/to"] option')) if (opt.value === was) opt.value = q.id;
      relabel(questions);
      changed();
    });
    const fields = [
      control('Type', type, `${p}/type`),
      control('Id', id, `${p}/id`, { hint: 'Unique in the survey: results and branches name it.' }),
      bound(q, 'prompt', 'Question', `${p}/prompt`, { attrs: { maxlength: 500 }, then: () => { relabel(questions); changed(); } }),
      check(q, 'required', 'Required', `${p}/required`),
    ];
    if (CHOICES.has(q.type)) {
      const options = h('textarea', { rows: Math.max(3, (q.options ?? []).length + 1) });
      options.value = (q.options ?? []).join('\n');
      options.addEventListener('input', () => {
        q.options = options.value.split('\n').map((t) => t.trim()).filter(Boolean);
        changed();
      });
      fields.push(control('Options, one per line', options, `${p}/options`, { hint: '2 to 20, each different.', wide: true }));
      if (q.type === 'multiple_choice') fields.push(check(q, 'multiple', 'Several answers may be picked', `${p}/multiple`));
    }
    if (q.type === 'numeric_scale') {
      const num = { wide: false, attrs: { type: 'number', step: 1, class: 'short' }, toValue: numberOf };
      fields.push(bound(q, 'start', 'From', `${p}/start`, { ...num, hint: 'Empty: 1.' }), bound(q, 'end', 'To', `${p}/end`, { ...num, hint: 'Empty: 5.' }));
    }
    if (q.type === 'emoji_rating') {
      const faces = select([['5', '5 faces'], ['3', '3 faces']], String(q.count ?? 5));
      faces.addEventListener('change', () => { if (faces.value === '5') delete q.count; else q.count = 3; changed(); });
      fields.push(control('Faces', faces, `${p}/count`));
    }
    if (RATINGS.has(q.type)) {
      fields.push(bound(q, 'lowLabel', 'Low end label', `${p}/lowLabel`, { attrs: { maxlength: 60 } }),
        bound(q, 'highLabel', 'High end label', `${p}/highLabel`, { attrs: { maxlength: 60 } }));
    }
    if (q.type === 'short_text' || q.type === 'long_text') fields.push(bound(q, 'placeholder', 'Placeholder', `${p}/placeholder`, { attrs: { maxlength: 120 } }));
    fields.push(bound(q, 'storeAsAttribute', 'Copy the answer to the attribute (optional)', `${p}/storeAsAttribute`, { attrs: { maxlength: 64, spellcheck: 'false' } }));

    const branches = q.branches ?? [];
    return h('fieldset', { class: 'trigger survey-question' },
      h('legend', {}, `Question ${i + 1}`),
      h('div', { class: 'rule-row' }, fields),
      h('div', { class: 'filters' },
        branches.length ? h('p', { class: 'hint' }, 'The first branch that holds decides where the visitor goes; none: the next question.') : null,
        branches.map((b, j) => branch(q, i, b, j, questions)),
        branches.length < MAX_BRANCHES ? h('button', { type: 'button', class: 'small quiet-border', onclick: () => {
          const next = questions[i + 1]?.id ?? 'end';
          (q.branches ??= []).push({ when: { op: 'answered' }, to: next });
          redraw(`${p}/branches/${q.branches.length - 1}/when/op`);
        } }, 'Add branch') : null),
      listButtons(questions, i, 'question', redraw, (j) => `/questions/${j}/type`));
  }

  /** The intro or thank-you screen's fields; the screen goes when all three are empty. */
  function screen(key, title) {
    const { content } = state;
    const s = content[key] ?? {};
    const then = () => {
      if (Object.keys(s).length) content[key] = s; else delete content[key];
      changed();
    };
    const p = `/${key}`;
    return h('fieldset', { class: 'trigger' }, h('legend', {}, title),
      h('div', { class: 'rule-row' },
        bound(s, 'title', 'Title', `${p}/title`, { attrs: { maxlength: 120 }, then }),
        bound(s, 'body', 'Text', `${p}/body`, { long: true, attrs: { maxlength: 1000 }, then }),
        bound(s, 'buttonLabel', 'Button label', `${p}/buttonLabel`, { wide: false, attrs: { maxlength: 40 }, then })));
  }

  function draw() {
    const { content } = state;
    const questions = (content.questions ??= []);
    const format = select(FORMATS, content.format ?? 'small');
    format.addEventListener('change', () => { if (format.value === 'small') delete content.format; else content.format = format.value; changed(); });
    root.replaceChildren(...[
      h('div', { class: 'rule-row' }, control('Format', format, '/format')),
      screen('intro', 'Intro screen (optional)'),
      questions.length ? h('div', { class: 'questions' }, questions.map((q, i) => question(q, i, questions))) : h('p', { class: 'hint' }, 'No questions yet: a survey needs at least one to go live.'),
      questions.length < MAX_QUESTIONS ? h('button', { type: 'button', class: 'small', onclick: () => {
        let k = questions.length + 1;
        while (questions.some((q) => q.id === `q${k}`)) k += 1;
        questions.push({ id: `q${k}`, type: 'short_text', prompt: '' });
        redraw(`/questions/${questions.length - 1}/type`);
      } }, 'Add question') : h('p', { class: 'hint' }, `At most ${MAX_QUESTIONS} questions.`),
      screen('thankYou', 'Thank-you screen (optional)'),
      h('p', { class: 'field-error', hidden: true })].filter(Boolean));
  }

  return formSection(entry, form, {
    title: 'Questions',
    hint: 'Checked when you save; the questions are also the JSON below, for what the form does not show.',
    under: /^\/content\/(questions|format|intro|thankYou)(\/|$)/,
  });
}
