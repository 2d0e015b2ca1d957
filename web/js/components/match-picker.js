// Choosing an anime by title in any language: the mirror's search (documents and AniDB's titles dump).
import { api } from 'app/api.js';
import { h, replace } from 'app/dom.js';

export function matchPicker({ initial = '', onPick, candidates = [] }) {
  const input = h('input', { type: 'search', value: initial, placeholder: 'Title in any language, or an aid', 'aria-label': 'Find an anime', class: 'picker-input', autocomplete: 'off' });
  const list = h('ul', { class: 'picker-results', role: 'list' });
  let serial = 0, timer = 0;
  const choice = (aid, text, detail) => h('li', {}, h('button', { type: 'button', class: 'pick', dataset: { aid }, onclick: () => onPick({ aid, title: text }) },
    h('b', {}, text || `Anime ${aid}`), h('span', { class: 'muted' }, ` aid ${aid}${detail ? ' · ' + detail : ''}`)));
  async function search() {
    const text = input.value.trim(), mine = ++serial;
    if (/^\d+$/.test(text)) { replace(list, choice(Number(text), null, 'by id')); return; }
    if (text.length < 2) { replace(list, candidates.map(c => choice(c.aid, c.title, `score ${(c.score * 100).toFixed(0)} %`))); return; }
    const found = await api.search(text, 12).catch(error => ({ error }));
    if (mine !== serial) return;
    if (found.error) { replace(list, h('li', { class: 'error' }, found.error.message)); return; }
    replace(list, found.results.length ? found.results.map(r => choice(r.aid, r.title || r.matchedTitle,
      r.matchedTitle !== r.title ? `“${r.matchedTitle}” (${r.language})` : r.language)) : h('li', { class: 'muted' }, 'No title matches.'));
  }
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 200); });
  setTimeout(search, 0);
  return h('div', { class: 'picker' }, input, list);
}
