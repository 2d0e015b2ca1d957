// Home: continue watching and next up, recently added, what is missing from disk, and how the mirror is doing.
import { api } from 'app/api.js';
import { sendToButton } from 'app/components/send-to.js';
import { h, replace, notice, clock, relative, plural, title } from 'app/dom.js';
import { posterCard, posterImage } from 'app/components/poster.js';

export async function render(main, { isAdmin }) {
  title('Home');
  const [shelf, next, missing, stats] = await Promise.all([
    api.shelf(), api.continueWatching(), api.missingSequels().catch(() => []), api.stats().catch(() => null),
  ]);
  const series = shelf.series;
  const byAid = new Map(series.map(s => [s.aid, s]));
  const sections = [h('h1', { class: 'visually-hidden' }, 'Home'), mirrorNote(stats, isAdmin)];
  if (!series.length) {
    sections.push(notice('Your library is empty',
      isAdmin ? 'Add folders to library.media_dirs in config.toml, then scan. Files are matched to AniDB by their names.'
              : 'An admin has not added any media yet.',
      isAdmin ? h('a', { class: 'button', href: '/settings#folders' }, 'Media folders and scan') : null));
    replace(main, sections);
    return;
  }
  if (next.items.length) {
    sections.push(shelfRow('Continue watching', next.items.slice(0, 20).map(item => continueCard(item, byAid.get(item.aid))), 'continue'));
  }
  const recent = [...series].sort((a, b) => b.addedAt - a.addedAt).slice(0, 18);
  sections.push(shelfRow('Recently added', recent.map(s => posterCard(s, `added ${relative(s.addedAt)}`)), 'recent', h('a', { href: '/library?sort=added' }, 'See all')));
  const gaps = series.filter(s => s.missingEpisodes > 0).sort((a, b) => b.missingEpisodes - a.missingEpisodes);
  if (missing.length || gaps.length) sections.push(missingSection(missing, gaps));
  replace(main, sections);
}

function shelfRow(heading, cards, id, more) {
  return h('section', { class: 'shelf-row', 'aria-labelledby': `row-${id}` },
    h('div', { class: 'row-head' }, h('h2', { id: `row-${id}` }, heading), more),
    h('div', { class: 'row-cards' }, cards));
}

function continueCard(item, series) {
  const name = series?.title || item.title || `Anime ${item.aid}`;
  const episode = item.episode ? `Episode ${item.episode}` : 'Movie';
  const left = item.kind === 'resume' && item.duration ? `${clock(item.duration - item.position)} left` : 'Up next';
  const share = item.kind === 'resume' && item.duration ? Math.min(1, item.position / item.duration) : 0;
  return h('a', { class: 'card continue', href: `/watch/${item.fileId}`, dataset: { kind: item.kind, fileId: item.fileId } },
    h('div', { class: 'poster-frame' }, item.aid ? posterImage(item.aid, name) : null,
      h('span', { class: 'play-icon', 'aria-hidden': 'true' }, '▶'),
      share ? h('span', { class: 'seen', style: `width:${Math.round(share * 100)}%`, 'aria-hidden': 'true' }) : null),
    h('span', { class: 'card-title' }, name),
    h('span', { class: 'card-meta' }, `${episode} · ${left}`));
}

function missingSection(sequels, gaps) {
  const list = h('ul', { class: 'missing-list' });
  for (const entry of sequels.slice(0, 12)) {
    for (const m of entry.missing) {
      list.append(h('li', {}, h('a', { href: `/series/${m.aid}` }, m.title || `Anime ${m.aid}`),
        h('span', { class: 'muted' }, ` — ${m.relation.toLowerCase()} of `), h('a', { href: `/series/${entry.aid}` }, entry.title || `Anime ${entry.aid}`),
        h('span', { class: 'tag missing' }, 'not on disk'),
        m.sendTo ? sendToButton(m.aid, m.sendTo, m.title) : null));
    }
  }
  for (const s of gaps.slice(0, 12)) {
    list.append(h('li', {}, h('a', { href: `/series/${s.aid}` }, s.title),
      h('span', { class: 'muted' }, ` — ${s.episodesOnDisk} of ${s.episodeCount} episodes on disk`),
      h('span', { class: 'tag missing' }, `${plural(s.missingEpisodes, 'episode')} missing`)));
  }
  return h('section', { class: 'shelf-row', 'aria-labelledby': 'row-missing' },
    h('div', { class: 'row-head' }, h('h2', { id: 'row-missing' }, 'Missing from disk')), list);
}

/** One line on the mirror's health: whether it fetches from AniDB, the day's budget, a ban. */
function mirrorNote(stats, isAdmin) {
  if (!stats) return null;
  let text, state = 'ok';
  if (stats.banned) { text = `AniDB has banned this mirror until ${new Date(stats.banned_until).toLocaleString()}; nothing is fetched meanwhile.`; state = 'bad'; }
  else if (stats.upstream_status === 'stopped') { text = `Fetching from AniDB stopped: ${stats.client_error}`; state = 'bad'; }
  else if (stats.upstream_status === 'off') { text = `Mirror: ${stats.cached_anime} anime stored; fetching from AniDB is off.`; state = 'warn'; }
  else {
    text = `Mirror: fetching on, ${stats.requests_left_24h} of ${stats.daily_limit} AniDB requests left today` + (stats.queue_size ? `, ${stats.queue_size} queued.` : '.');
    if (stats.requests_left_24h === 0) state = 'warn';
  }
  return h('p', { class: `health ${state}`, role: 'status' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), text,
    isAdmin ? h('a', { href: '/mirror' }, 'Details') : null);
}
