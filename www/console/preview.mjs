// "Preview on your site": asks the edge for a signed, short-lived link (`POST
// /admin/v1/previews`) to a page of the site that shows this item to whoever opens it — this
// browser, in a new tab — whatever its status, audience or frequency, counting nothing. The
// link carries no key: only a signature over the item and its expiry, in the URL's fragment.
import { api } from './api.mjs';
import { h, announce } from './dom.mjs';
import { field, placeError, alertBox, showAlert } from './forms.mjs';

export function previewBox(itemId, itemName) {
  const url = field({ key: 'url', label: 'Page of your site', hint: 'An address on one of the workspace’s allowed origins.' });
  url.input.type = 'url';
  url.input.value = `${location.origin}/`;
  const alert = alertBox();
  const out = h('div', { class: 'preview-link', role: 'status' });
  const form = h('form', { class: 'preview-form', novalidate: true }, url.wrap,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'small' }, 'Make preview link')), alert);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    url.clearError();
    showAlert(alert, '');
    try {
      const r = await api('POST', '/admin/v1/previews', { itemId, url: url.input.value.trim() });
      const until = new Date(r.expiresAt).toLocaleTimeString(undefined, { timeStyle: 'short' });
      out.replaceChildren(
        h('a', { href: r.link, target: '_blank', rel: 'noopener noreferrer', class: 'button small' }, `Open the preview of ${itemName} (new tab)`),
        h('span', { class: 'hint' }, ` Works until ${until}, in any browser that opens it; shows this item at once, beside whatever else is live on that page; nothing done with the preview is counted.`));
      announce('Preview link ready.');
    } catch (e) {
      if (e.path) placeError([url], e, alert); else showAlert(alert, e.message);
    }
  });
  return h('details', { class: 'preview-box' }, h('summary', {}, 'Preview on your site'), form, out);
}
