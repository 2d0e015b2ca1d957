// A poster card: the series' picture (loaded only when it scrolls into view), its title and what the user saw.
import { api } from 'app/api.js';
import { h } from 'app/dom.js';

export function posterImage(aid, title, className = 'poster') {
  return h('img', { class: className, src: api.posterURL(aid), alt: `Poster of ${title}`, loading: 'lazy', decoding: 'async', width: 200, height: 300 });
}

/** `series` is a `/api/shelf` entry (or anything with aid and title); `extra` is a line under the title. */
export function posterCard(series, extra) {
  const meta = [series.type, series.year].filter(Boolean).join(' · ');
  let badge = null;
  if (series.episodesOnDisk && series.watchedEpisodes >= series.episodesOnDisk) badge = h('span', { class: 'badge done', title: 'Watched' }, '✓');
  else if (series.missingEpisodes) badge = h('span', { class: 'badge missing', title: `${series.missingEpisodes} episodes not on disk` }, `−${series.missingEpisodes}`);
  const seen = series.episodesOnDisk ? Math.min(1, series.watchedEpisodes / series.episodesOnDisk) : 0;
  return h('a', { class: 'card' + (series.offline ? ' offline' : ''), href: `/series/${series.aid}`, dataset: { aid: series.aid } },
    h('div', { class: 'poster-frame' }, posterImage(series.aid, series.title), badge,
      seen > 0 && seen < 1 ? h('span', { class: 'seen', style: `width:${Math.round(seen * 100)}%`, 'aria-hidden': 'true' }) : null),
    h('span', { class: 'card-title' }, series.title),
    h('span', { class: 'card-meta' }, extra ?? (meta || ' ')));
}
