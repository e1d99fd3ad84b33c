// The checklist editor's tasks builder: a checklist's tasks as a form — id, title, description,
// what the task's button does (start a tour of this workspace, open a page, track an event) and
// how it gets done (the visitor ticks it, an event, an attribute), per task; add, move and
// remove tasks. It reads and writes the tasks JSON editor below it (the shape of
// shared/src/experiences/checklists.rs: Task, TaskAction, Completion) and never decides
// validity: the edge checks the checklist when it is saved, and its error is shown here beside
// the control whose JSON pointer the error's path names.
import { h } from './dom.mjs';
import { control, select, jsonForm, formSection, boundText, listButtons } from './builders.mjs';

export const MAX_TASKS = 20; // shared::experiences::checklists::MAX_TASKS

const ACTIONS = [['', 'Nothing (no button)'], ['start_tour', 'Start a tour'], ['open_url', 'Open a page'], ['track_event', 'Track an event']];
/** The one field of each action (`tourId` is chosen from the workspace's tours). */
const ACTION_FIELD = { start_tour: 'tourId', open_url: 'url', track_event: 'name' };
const COMPLETIONS = [['manual', 'The visitor ticks it'], ['event', 'When the visitor tracks an event'], ['attribute', 'When the visitor has an attribute']];
const COMPLETION_FIELD = { event: 'name', attribute: 'key' };
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const only = (o, keys) => isObject(o) && Object.keys(o).every((k) => keys.includes(k));

/** Whether the builder can show `content` faithfully (else the tasks are edited as JSON only). */
export function editable(content) {
  return only(content, ['tasks', 'translations'])
    && (content.tasks === undefined || (Array.isArray(content.tasks) && content.tasks.every((t) => only(t, ['id', 'title', 'description', 'action', 'completion'])
      && (t.action === undefined || (ACTION_FIELD[t.action.type] && only(t.action, ['type', ACTION_FIELD[t.action.type]])))
      && (t.completion === undefined || (COMPLETIONS.some(([c]) => c === t.completion.type) && only(t.completion, ['type', COMPLETION_FIELD[t.completion.type]]))))));
}

/**
 * Adds the Tasks section before the JSON editor `entry` that holds a checklist's tasks (the rest
 * of its content: `/content` in a save's errors); `tours`: this workspace's (`{id, name,
 * status}`), for "Start a tour". Returns `{sync(), claim(err)}`.
 */
export function attachTasks(entry, tours) {
  const form = jsonForm(entry, () => draw(), {
    editable,
    unreadable: 'Fix the JSON below first: the tasks are read from it.',
    unshown: 'These tasks use a shape the builder does not show: edit them as JSON below.',
  });
  const { root, state, changed, redraw } = form;
  const bound = (o, key, label, pointer, opts) => boundText(o, key, label, pointer, changed, opts);

  function task(t, i, tasks) {
    const p = `/tasks/${i}`;
    const fields = [
      bound(t, 'id', 'Id', `${p}/id`, { wide: false, hint: 'Unique in the checklist.', attrs: { maxlength: 64, spellcheck: 'false' } }),
      bound(t, 'title', 'Title', `${p}/title`, { attrs: { maxlength: 120 } }),
      bound(t, 'description', 'Description', `${p}/description`, { long: true, attrs: { maxlength: 500 } }),
    ];
    const action = select(ACTIONS, t.action?.type ?? '');
    action.addEventListener('change', () => {
      if (action.value === '') delete t.action;
      else t.action = { type: action.value, [ACTION_FIELD[action.value]]: action.value === 'start_tour' ? tours[0]?.id ?? '' : '' };
      redraw(`${p}/action/type`);
    });
    fields.push(control('Its button', action, `${p}/action/type`));
    if (t.action?.type === 'start_tour') {
      // A tour id that is not among this workspace's tours is kept, and named as such.
      const list = tours.map((x) => [x.id, `${x.name || x.id} (${x.status})`]);
      if (!list.some(([v]) => v === t.action.tourId)) list.unshift([t.action.tourId, `${t.action.tourId || '(none)'} (not a tour of this workspace)`]);
      const tour = select(list, t.action.tourId);
      tour.addEventListener('change', () => { t.action.tourId = tour.value; changed(); });
      fields.push(control('Tour', tour, `${p}/action/tourId`));
    } else if (t.action?.type === 'open_url') {
      fields.push(bound(t.action, 'url', 'Page address', `${p}/action/url`, { hint: 'An http(s) address; it opens in a new tab.', attrs: { type: 'url', maxlength: 2048 } }));
    } else if (t.action?.type === 'track_event') {
      fields.push(bound(t.action, 'name', 'Event name', `${p}/action/name`, { wide: false, attrs: { maxlength: 100 } }));
    }
    const done = select(COMPLETIONS, t.completion?.type ?? 'manual');
    done.addEventListener('change', () => {
      if (done.value === 'manual') delete t.completion;
      else t.completion = { type: done.value, [COMPLETION_FIELD[done.value]]: '' };
      redraw(`${p}/completion/type`);
    });
    fields.push(control('Done', done, `${p}/completion/type`));
    if (t.completion?.type === 'event') fields.push(bound(t.completion, 'name', 'Event name', `${p}/completion/name`, { wide: false, attrs: { maxlength: 100 } }));
    if (t.completion?.type === 'attribute') fields.push(bound(t.completion, 'key', 'Attribute', `${p}/completion/key`, { wide: false, hint: 'Done once it is set, not false and not empty.', attrs: { maxlength: 64 } }));
    return h('fieldset', { class: 'trigger checklist-task' },
      h('legend', {}, `Task ${i + 1}`),
      h('div', { class: 'rule-row' }, fields),
      listButtons(tasks, i, 'task', redraw, (j) => `/tasks/${j}/id`));
  }

  function draw() {
    const { content } = state;
    const tasks = (content.tasks ??= []);
    root.replaceChildren(...[
      tasks.length ? h('div', { class: 'tasks' }, tasks.map((t, i) => task(t, i, tasks))) : h('p', { class: 'hint' }, 'No tasks yet: a checklist needs at least one to go live.'),
      tasks.length < MAX_TASKS ? h('button', { type: 'button', class: 'small', onclick: () => {
        let k = tasks.length + 1;
        while (tasks.some((t) => t.id === `task${k}`)) k += 1;
        tasks.push({ id: `task${k}`, title: '' });
        redraw(`/tasks/${tasks.length - 1}/id`);
      } }, 'Add task') : h('p', { class: 'hint' }, `At most ${MAX_TASKS} tasks.`),
      h('p', { class: 'field-error', hidden: true })].filter(Boolean));
  }

  return formSection(entry, form, {
    title: 'Tasks',
    hint: 'Checked when you save; the tasks are also the JSON below, for what the form does not show.',
    under: /^\/content\/tasks(\/|$)/,
  });
}
