// The mirror as its admin sees it: queue, next request, the day's AniDB budget, ban, errors, recent requests.
import { api } from 'app/api.js';
import { h, replace, relative, title } from 'app/dom.js';

/** The community mapping files (TVDB/TMDB numbering): when each was last downloaded, and why the last try failed. */
function mapping(m) {
  if (!m) return null;
  const names = { 'anime-list-master.xml': 'Anime-Lists mapping', 'anime_ids.json': 'Kometa ids' };
  return h('section', { class: 'mapping-files' }, h('h2', {}, 'TVDB and TMDB mapping'),
    h('ul', { class: 'plain' }, m.files.map(f => h('li', { dataset: { file: f.file } },
      h('b', {}, names[f.file] || f.file), ' ',
      f.kept ? h('span', {}, `${f.entries ?? '?'} anime, downloaded ${f.fetchedAt ? relative(f.fetchedAt) : 'never'}`) : h('span', { class: 'muted' }, 'no copy yet'),
      f.error ? h('p', { class: 'health warn' }, `Last try ${relative(f.errorAt)}: ${f.error}`) : null))),
    m.corrections ? h('p', { class: 'muted' }, `${m.corrections} corrected by an admin (kept through every download).`) : null);
}

export async function render(main) {
  title('Mirror');
  const draw = async () => {
    const s = await api.mirrorStatus();
    const used = s.requestsLast24h, limit = s.dailyLimit;
    const state = s.bannedUntil ? ['bad', `Banned by AniDB until ${new Date(s.bannedUntil).toLocaleString()} (${relative(s.bannedUntil)})${s.banReason ? ': ' + s.banReason : ''}`]
      : s.clientError ? ['bad', `Stopped: ${s.clientError}`]
      : !s.enabled ? ['warn', 'Fetching from AniDB is off: set mirror.client and mirror.clientver.']
      : ['ok', 'Fetching from AniDB is on.'];
    const tile = (label, value, detail) => h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, label), h('b', {}, value), detail ? h('span', { class: 'muted' }, detail) : null);
    replace(main,
      h('h1', {}, 'Mirror'),
      h('p', { class: `health ${state[0]}`, role: 'status' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), state[1]),
      h('div', { class: 'tiles' },
        tile('Requests, last 24 h', `${used} / ${limit}`, h('meter', { min: 0, max: limit, value: used, high: limit * 0.8, 'aria-label': 'AniDB requests used' })),
        tile('Left today', String(s.requestsLeft24h)),
        tile('Queue', String(s.queueSize)),
        tile('Next request', s.nextRequestAt ? relative(s.nextRequestAt) : '—', s.nextRequestAt ? new Date(s.nextRequestAt).toLocaleTimeString() : null),
        tile('Anime stored', String(s.cachedAnime)),
        tile('Titles dump', s.titlesFetchedAt ? relative(s.titlesFetchedAt) : 'never fetched', `${s.titlesDumpAnime} anime`)),
      s.lastError ? h('p', { class: 'health warn' }, `Last upstream error ${relative(s.lastErrorAt)}: ${s.lastError}`) : null,
      mapping(s.mapping),
      h('section', {}, h('h2', {}, 'In the queue'),
        s.queue.length ? h('ol', { class: 'queue' }, s.queue.map(q => h('li', {}, h('a', { href: `/series/${q.aid}` }, q.title || `Anime ${q.aid}`), h('span', { class: 'muted' }, ` aid ${q.aid}`))))
          : h('p', { class: 'muted' }, 'Nothing is waiting.')),
      h('section', {}, h('h2', {}, 'Last 50 upstream requests'),
        s.requests.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Outcome'), h('th', { scope: 'col' }, 'Detail'))),
          h('tbody', {}, s.requests.map(r => h('tr', { class: `outcome-${r.outcome}` },
            h('td', {}, h('time', { datetime: r.startedAt, title: r.startedAt }, relative(r.startedAt))),
            h('td', {}, r.target === 'anime' ? h('a', { href: `/series/${r.aid}` }, `anime ${r.aid}`) : r.target),
            h('td', {}, r.outcome), h('td', { class: 'muted' }, r.detail || '')))))) : h('p', { class: 'muted' }, 'No request has been made to AniDB yet.')));
  };
  await draw();
  const timer = setInterval(() => { if (document.visibilityState === 'visible') draw().catch(() => {}); }, 15000);
  return () => clearInterval(timer);
}
