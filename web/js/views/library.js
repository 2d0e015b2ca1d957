// The library: a poster grid of every series on disk, sorted and filtered in the page (instantly: the cards are
// made once and only re-ordered), and a title search in every language that also finds anime not on disk.
import { api } from 'app/api.js';
import { h, replace, notice, plural, title } from 'app/dom.js';
import { posterCard } from 'app/components/poster.js';

const sorts = {
  title: (a, b) => a.title.localeCompare(b.title),
  year: (a, b) => (b.year || 0) - (a.year || 0) || a.title.localeCompare(b.title),
  added: (a, b) => b.addedAt - a.addedAt,
  watched: (a, b) => (b.lastWatchedAt || 0) - (a.lastWatchedAt || 0) || a.title.localeCompare(b.title),
};
const filters = {
  all: () => true,
  unwatched: s => s.watchedEpisodes === 0 && !s.inProgress,
  progress: s => s.inProgress,
  missing: s => s.missingEpisodes > 0,
};

export async function render(main, { params, isAdmin }) {
  title('Library');
  const { series } = await api.shelf();
  const state = {
    sort: sorts[params.get('sort')] ? params.get('sort') : 'title',
    filter: filters[params.get('filter')] ? params.get('filter') : 'all',
    type: params.get('type') || '',
    text: params.get('q') || '',
  };
  // Cards are made when first shown and kept, so filtering only re-orders them.
  const made = new Map();
  const cardOf = s => made.get(s.aid) || made.set(s.aid, posterCard(s)).get(s.aid);
  const onDisk = new Set(series.map(s => s.aid));
  const keys = new Map(series.map(s => [s.aid, [s.title, s.englishTitle].filter(Boolean).join(' ').toLowerCase()]));
  const grid = h('div', { class: 'grid', id: 'grid' });
  const count = h('p', { class: 'muted count', role: 'status', 'aria-live': 'polite' });
  const searchResults = h('section', { class: 'search-results', 'aria-live': 'polite' });
  const types = [...new Set(series.map(s => s.type).filter(Boolean))].sort();

  const select = (name, label, options, value) => h('label', {}, label,
    h('select', { name, onchange: event => { state[name] = event.target.value; update(); } },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
  const text = h('input', { type: 'search', name: 'text', value: state.text, placeholder: 'Filter by title', 'aria-label': 'Filter by title', autocomplete: 'off' });
  text.addEventListener('input', () => { state.text = text.value; update(); });
  const toolbar = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Sort and filter' }, text,
    select('sort', 'Sort ', [['title', 'Title'], ['year', 'Year'], ['added', 'Recently added'], ['watched', 'Last watched']], state.sort),
    select('filter', 'Show ', [['all', 'All'], ['unwatched', 'Unwatched'], ['progress', 'In progress'], ['missing', 'Missing episodes']], state.filter),
    select('type', 'Type ', [['', 'Any type'], ...types.map(t => [t, t])], state.type));

  let searchTimer = 0, searchSerial = 0, renderSerial = 0;
  const firstScreen = 60;
  function update() {
    const needle = state.text.trim().toLowerCase();
    const shown = series.filter(s => filters[state.filter](s) && (!state.type || s.type === state.type) && (!needle || keys.get(s.aid).includes(needle)))
      .sort(sorts[state.sort]);
    // The first screen at once, the rest in the next frames: a 2,000-series library must not wait for all of it.
    const serial = ++renderSerial;
    grid.replaceChildren(...shown.slice(0, firstScreen).map(cardOf));
    const more = start => {
      if (serial !== renderSerial || start >= shown.length) return;
      grid.append(...shown.slice(start, start + 400).map(cardOf));
      requestAnimationFrame(() => more(start + 400));
    };
    requestAnimationFrame(() => more(firstScreen));
    count.textContent = shown.length === series.length ? plural(series.length, 'series', 'series') : `${shown.length} of ${plural(series.length, 'series', 'series')}`;
    if (!shown.length && series.length) grid.append(notice('Nothing here', 'No series on disk fits these filters.'));
    const query = new URLSearchParams();
    if (state.text) query.set('q', state.text);
    if (state.sort !== 'title') query.set('sort', state.sort);
    if (state.filter !== 'all') query.set('filter', state.filter);
    if (state.type) query.set('type', state.type);
    history.replaceState(null, '', '/library' + (query.size ? '?' + query : ''));
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => searchTitles(state.text.trim(), ++searchSerial), 250);
  }

  // Every language, and anime not on disk: the mirror's title search (documents and AniDB's titles dump).
  async function searchTitles(query, serial) {
    if (query.length < 2) { searchResults.replaceChildren(); return; }
    const found = await api.search(query, 24).catch(error => ({ error }));
    if (serial !== searchSerial) return;
    if (found.error) { replace(searchResults, h('p', { class: 'error' }, found.error.message)); return; }
    const items = found.results.map(result => {
      const here = onDisk.has(result.aid);
      return h('li', {}, h('a', { href: `/series/${result.aid}` }, result.title || result.matchedTitle),
        result.matchedTitle && result.matchedTitle !== result.title ? h('span', { class: 'muted' }, ` — “${result.matchedTitle}”`) : null,
        h('span', { class: here ? 'tag on' : 'tag' }, here ? 'on disk' : 'not on disk'));
    });
    replace(searchResults, h('h2', {}, `AniDB titles matching “${query}”`),
      items.length ? h('ul', { class: 'result-list' }, items) : h('p', { class: 'muted' }, 'No AniDB title matches.'));
  }

  if (!series.length) {
    replace(main, h('h1', {}, 'Library'), notice('No series on disk yet',
      isAdmin ? 'Scan the media folders from Settings; matched files appear here with their posters.' : 'An admin has not added any media yet.',
      isAdmin ? h('a', { class: 'button', href: '/settings#folders' }, 'Media folders') : null), toolbar, searchResults);
  } else {
    replace(main, h('div', { class: 'page-head' }, h('h1', {}, 'Library'), count), toolbar, grid, searchResults);
  }
  update();
}
