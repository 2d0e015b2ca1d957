// A series: poster, titles, facts, tags, AniDB's description, relations (on disk or missing) and every episode
// with the files on disk, watched marks and play buttons; admins can fix the match.
import { api } from 'app/api.js';
import { sendToButton } from 'app/components/send-to.js';
import { h, replace, notice, plural, title } from 'app/dom.js';
import { posterImage } from 'app/components/poster.js';
import { description } from 'app/components/description.js';
import { matchPicker } from 'app/components/match-picker.js';
import { navigate } from 'app/router.js';

const groups = [
  ['regular', 'Episodes'], ['special', 'Specials'], ['credit', 'Openings and endings'], ['trailer', 'Trailers'],
  ['parody', 'Parodies'], ['other', 'Other'],
];
const kindOf = number => ({ S: 'special', C: 'credit', T: 'trailer', P: 'parody', O: 'other' })[number[0]] || 'regular';

export async function render(main, { args, isAdmin }) {
  const aid = Number(args[0]);
  const page = await api.series(aid);
  title(page.title);
  const draw = () => replace(main, hero(page, isAdmin, draw), page.pending ? h('p', { class: 'health warn' }, page.pending) : null,
    episodes(page, draw), relations(page));
  draw();
}

function titleOf(page, type, language) {
  return page.titles.find(t => t.type === type && t.language === language)?.text;
}

function hero(page, isAdmin, redraw) {
  const english = titleOf(page, 'official', 'en');
  const japanese = titleOf(page, 'official', 'ja');
  const years = page.startDate ? page.startDate.slice(0, 4) + (page.endDate && page.endDate.slice(0, 4) !== page.startDate.slice(0, 4) ? '–' + page.endDate.slice(0, 4) : '') : null;
  const facts = [page.type, years, page.episodeCount ? plural(page.episodeCount, 'episode') : null].filter(Boolean);
  const regular = page.files.filter(f => kindOf(f.episode) === 'regular');
  const allWatched = page.files.length > 0 && page.files.every(f => f.watched);
  const next = nextToPlay(page);
  const actions = h('div', { class: 'actions' },
    next ? h('a', { class: 'button primary', href: `/watch/${next.fileId}`, id: 'play-next' },
      next.position > 5 && !next.watched ? `▶ Resume episode ${next.episode}` : `▶ Play episode ${next.episode}`) : null,
    page.files.length ? h('button', { type: 'button', id: 'series-watched', onclick: async () => {
      await api.setSeriesWatched(page.aid, !allWatched);
      for (const file of page.files) { file.watched = !allWatched; if (allWatched) file.position = 0; }
      redraw();
    } }, allWatched ? 'Mark all unwatched' : 'Mark all watched') : null,
    isAdmin && page.librarySeries.length ? h('button', { type: 'button', id: 'fix-match', onclick: event => fixMatch(page, event.currentTarget) }, 'Fix match') : null,
    page.files.length ? h('a', { class: 'button subtle', href: `/api/series/${page.aid}/playlist.m3u`, download: `anime-${page.aid}.m3u`,
      title: 'A playlist of the original files for VLC, mpv or Infuse' }, 'Playlist (M3U)') : null,
    h('a', { class: 'button subtle', href: `https://anidb.net/anime/${page.aid}`, target: '_blank', rel: 'noopener noreferrer' }, 'AniDB ↗'));
  return h('section', { class: 'hero' },
    h('div', { class: 'hero-poster' }, posterImage(page.aid, page.title, 'poster large')),
    h('div', { class: 'hero-text' },
      h('h1', { id: 'series-title' }, page.title),
      english && english !== page.title ? h('p', { class: 'alt-title', lang: 'en' }, english) : null,
      japanese ? h('p', { class: 'alt-title', lang: 'ja' }, japanese) : null,
      h('p', { class: 'facts' }, facts.join(' · '),
        page.rating ? h('span', { class: 'rating', title: `${page.ratingVotes || 0} votes on AniDB` }, ` ★ ${page.rating.toFixed(2)}`) : null),
      page.tags.length ? h('ul', { class: 'tags', 'aria-label': 'Tags' }, page.tags.map(tag => h('li', {}, tag))) : null,
      regular.length ? h('p', { class: 'muted' }, `${plural(new Set(regular.map(f => f.episode)).size, 'episode')} on disk, ${page.files.filter(f => f.watched).length} watched`) : null,
      elsewhere(page, isAdmin, redraw),
      actions,
      page.description ? h('div', { class: 'description' }, description(page.description)) : null));
}

/** The first unwatched file in episode order, else the first. */
function nextToPlay(page) {
  const order = f => [groups.findIndex(([kind]) => kind === kindOf(f.episode)), Number(f.episode.replace(/^\D/, '')) || 0];
  const files = page.files.filter(f => !f.offline).sort((a, b) => { const [x, y] = [order(a), order(b)]; return x[0] - y[0] || x[1] - y[1]; });
  return files.find(f => !f.watched && kindOf(f.episode) === 'regular') || files.find(f => !f.watched) || files[0];
}

function episodes(page, redraw) {
  const rows = new Map();
  for (const episode of page.episodes) rows.set(episode.number, { ...episode, files: [] });
  for (const file of page.files) {
    if (!rows.has(file.episode)) rows.set(file.episode, { number: file.episode, kind: kindOf(file.episode), title: null, files: [] });
    rows.get(file.episode).files.push(file);
  }
  const sections = [];
  for (const [kind, heading] of groups) {
    const list = [...rows.values()].filter(row => row.kind === kind)
      .sort((a, b) => (Number(a.number.replace(/^\D/, '')) || 0) - (Number(b.number.replace(/^\D/, '')) || 0));
    if (!list.length) continue;
    const onDisk = list.filter(row => row.files.length).length;
    sections.push(h('section', { class: 'episodes', dataset: { kind } },
      h('h2', {}, heading, h('span', { class: 'muted count' }, ` ${onDisk} of ${list.length} on disk`)),
      h('ol', { class: 'episode-list' }, list.map(row => episodeRow(row, redraw)))));
  }
  if (!sections.length) sections.push(notice('No episodes known yet', 'Neither AniDB\'s document nor a file on disk names an episode.'));
  return h('div', { class: 'episode-groups' }, sections);
}

function episodeRow(row, redraw) {
  const missing = !row.files.length;
  const watched = row.files.some(f => f.watched);
  const label = row.kind === 'regular' ? row.number : row.number;
  return h('li', { class: 'episode' + (missing ? ' missing' : '') + (watched ? ' watched' : ''), dataset: { episode: row.number } },
    h('span', { class: 'ep-number' }, label),
    h('div', { class: 'ep-main' },
      h('span', { class: 'ep-title' }, row.title || (missing ? `Episode ${row.number}` : row.files[0].name)),
      h('span', { class: 'ep-meta' }, [row.airDate, row.length ? `${row.length} min` : null].filter(Boolean).join(' · ')),
      missing ? h('span', { class: 'tag missing' }, 'Not on disk') : row.files.map(file => fileLine(file, redraw))));
}

function fileLine(file, redraw) {
  const quality = [file.resolution, file.video, file.audio, file.group ? `[${file.group}]` : null].filter(Boolean);
  const share = file.duration ? Math.min(1, file.position / file.duration) : 0;
  return h('div', { class: 'file', dataset: { fileId: file.fileId } },
    file.offline ? h('span', { class: 'tag missing', title: 'Its disk is not reachable' }, 'Offline')
      : h('a', { class: 'play', href: `/watch/${file.fileId}`, 'aria-label': `Play ${file.name}` }, '▶'),
    h('span', { class: 'quality', title: file.path || file.name }, quality.length ? quality.map(q => h('span', { class: 'chip' }, q)) : file.name),
    share > 0 && !file.watched ? h('span', { class: 'muted' }, `${Math.round(share * 100)} %`) : null,
    file.numbering ? h('span', { class: 'numbering', title: 'How the file\'s own numbering was turned into AniDB\'s' }, file.numbering) : null,
    h('button', { type: 'button', class: 'watch-toggle' + (file.watched ? ' on' : ''), 'aria-pressed': String(file.watched),
      title: file.watched ? 'Mark unwatched' : 'Mark watched', onclick: async () => {
        await api.setWatched(file.fileId, !file.watched);
        file.watched = !file.watched;
        redraw();
      } }, file.watched ? '✓ Watched' : 'Mark watched'));
}

const placeText = (label, place) => (place.absolute ? `${label} absolute numbering` + (place.offset ? `, offset ${place.offset}` : '')
  : `${label} season ${place.season ?? '?'}` + (place.offset ? `, from episode ${place.offset + 1}` : ''))
  + (place.source === 'correction' ? ' (corrected)' : '');

/** Links to the anime elsewhere, and where TVDB and TMDB number it (admins can correct that). */
function elsewhere(page, isAdmin, redraw) {
  const ids = page.ids;
  if (!ids && !isAdmin) return null;
  const link = (label, href) => h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, label + ' ↗');
  const links = ids ? [
    ids.tvdb ? link('TVDB', `https://thetvdb.com/dereferrer/series/${ids.tvdb.id}`) : null,
    ids.tmdb ? link('TMDB', `https://www.themoviedb.org/tv/${ids.tmdb.id}`) : null,
    ...ids.tmdb_movies.map(id => link('TMDB', `https://www.themoviedb.org/movie/${id}`)),
    ...ids.imdb.map(id => link('IMDb', `https://www.imdb.com/title/${id}/`)),
    ...ids.mal.map(id => link('MyAnimeList', `https://myanimelist.net/anime/${id}`)),
    ...ids.anilist.map(id => link('AniList', `https://anilist.co/anime/${id}`)),
  ].filter(Boolean) : [];
  const places = ids ? [ids.tvdb ? placeText('TVDB', ids.tvdb) : null, ids.tmdb ? placeText('TMDB', ids.tmdb) : null].filter(Boolean) : [];
  return h('div', { class: 'elsewhere', id: 'elsewhere' },
    links.length ? h('p', { class: 'links' }, links) : null,
    places.length ? h('p', { class: 'muted', id: 'numbering-place' }, places.join(' · ')) : null,
    isAdmin ? h('button', { type: 'button', class: 'subtle', id: 'fix-mapping', onclick: event => fixMapping(page, event.currentTarget, redraw) },
      ids?.corrected ? 'Change TVDB/TMDB place' : 'Fix TVDB/TMDB place') : null);
}

/** An admin's correction of where TVDB and TMDB put this anime: it outlives every download and re-matches the files. */
function fixMapping(page, button, redraw) {
  const ids = page.ids || {};
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'mapping-title' });
  const field = (name, label, value, hint) => h('label', {}, label,
    h('input', { name, type: 'number', inputmode: 'numeric', value: value ?? '', placeholder: hint || '' }));
  const season = place => place ? (place.absolute ? -1 : place.season) : null;
  const initial = {
    tvdb_id: ids.tvdb?.id, tvdb_season: season(ids.tvdb), tvdb_offset: ids.tvdb?.offset,
    tmdb_tv: ids.tmdb?.id, tmdb_season: season(ids.tmdb), tmdb_offset: ids.tmdb?.offset,
  };
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'mapping-form', onsubmit: async event => {
    event.preventDefault();
    // Only what the admin changed becomes the correction; the rest keeps following the community files.
    const data = new FormData(form);
    const body = {};
    for (const [key, before] of Object.entries(initial)) {
      const value = String(data.get(key) || '').trim();
      if (value !== '' && value !== String(before ?? '')) body[key] = Number(value);
    }
    try {
      await api.setAnimeMapping(page.aid, body);
      dialog.close();
      Object.assign(page, await api.series(page.aid));
      redraw();
    } catch (failure) {
      error.hidden = false;
      error.textContent = failure.message;
    }
  } },
  h('fieldset', {}, h('legend', {}, 'TheTVDB'),
    field('tvdb_id', 'Series id', initial.tvdb_id), field('tvdb_season', 'Season', initial.tvdb_season, '-1 for absolute'),
    field('tvdb_offset', 'Offset', initial.tvdb_offset, 'episodes before this one in the season')),
  h('fieldset', {}, h('legend', {}, 'TMDB'),
    field('tmdb_tv', 'Series id', initial.tmdb_tv), field('tmdb_season', 'Season', initial.tmdb_season, '-1 for absolute'),
    field('tmdb_offset', 'Offset', initial.tmdb_offset)),
  error,
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, 'Save and match again'),
    ids.corrected ? h('button', { type: 'button', id: 'clear-mapping', onclick: async () => {
      await api.clearAnimeMapping(page.aid);
      dialog.close();
      Object.assign(page, await api.series(page.aid));
      redraw();
    } }, 'Back to the community mapping') : null,
    h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel')));
  replace(dialog, h('h2', { id: 'mapping-title' }, 'Where TVDB and TMDB put this anime'),
    h('p', { class: 'muted' }, 'Files named by Sonarr, Plex or Jellyfin (S02E13) are placed with this. The offset is how many episodes of the season come before this anime\'s first. Your correction stays through every download of the community files.'),
    form);
  dialog.addEventListener('close', () => { dialog.remove(); button.focus(); });
  document.body.append(dialog);
  dialog.showModal();
}

function relations(page) {
  if (!page.relations.length) return null;
  return h('section', { class: 'relations' }, h('h2', {}, 'Related anime'),
    h('ul', { class: 'relation-list' }, page.relations.map(relation =>
      h('li', {}, h('a', { class: 'relation', href: `/series/${relation.aid}` },
        posterImage(relation.aid, relation.title, 'poster small'),
        h('span', {}, h('span', { class: 'muted' }, relation.type), h('b', {}, relation.title),
          h('span', { class: relation.onDisk ? 'tag on' : 'tag missing' }, relation.onDisk ? 'On disk' : 'Missing'))),
        relation.sendTo ? sendToButton(relation.aid, relation.sendTo, relation.title) : null))));
}

function fixMatch(page, button) {
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'fix-title' });
  const picker = matchPicker({
    initial: page.title,
    onPick: async choice => {
      for (const seriesId of page.librarySeries) await api.matchSeries(seriesId, choice.aid);
      dialog.close();
      navigate(`/series/${choice.aid}`);
    },
  });
  replace(dialog, h('h2', { id: 'fix-title' }, 'Fix match'),
    h('p', { class: 'muted' }, `Every file of this series' folders (${plural(page.files.length, 'file')}) will belong to the anime you choose.`),
    picker, h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel')));
  dialog.addEventListener('close', () => { dialog.remove(); button.focus(); });
  document.body.append(dialog);
  dialog.showModal();
}
