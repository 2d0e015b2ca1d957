// The player page: the picture, the seek bar with previews and chapter marks, the resume offer, the track menus, the
// burn-in and engine choices, and the next episode at the end. The parts live in app/player/; this view lays them out
// and wires them to one stream ticket.
import { api } from 'app/api.js';
import { h, replace, clock, title } from 'app/dom.js';
import { navigate } from 'app/router.js';
import { seekBar } from 'app/components/seek-bar.js';
import { chapterSkip } from 'app/components/chapter-skip.js';
import { hlsEngine, hlsSupported } from 'app/player/hls-engine.js';
import { nativeEngine, nativeSupported } from 'app/player/native-engine.js';
import { trackName } from 'app/player/track-name.js';
import { trackMenus } from 'app/player/track-menus.js';
import { watchProgress } from 'app/player/watch-progress.js';
import { resumeOffer } from 'app/player/resume-offer.js';
import { upNext } from 'app/player/up-next.js';
import { playerKeys } from 'app/player/player-keys.js';

const bitmapCodecs = ['hdmv_pgs_subtitle', 'dvd_subtitle', 'dvb_subtitle', 'xsub'];

export async function render(main, { args, params }) {
  const fileId = args[0];
  const video = h('video', { id: 'video', controls: true, playsinline: true, preload: 'auto' });
  const status = h('p', { id: 'status', class: 'muted', role: 'status' }, 'Loading…');
  const say = (text, isError) => { status.textContent = text; status.className = isError ? 'error' : 'muted'; };
  const heading = h('h1', { id: 'watch-title' }, 'Player');
  const subheading = h('p', { id: 'watch-episode', class: 'muted' });
  const frame = h('div', { class: 'video-frame' }, video);
  const resume = resumeOffer(video);
  replace(main, h('div', { class: 'watch' }, h('div', { class: 'watch-head' }, h('div', {}, heading, subheading)), resume.element, frame, status));

  const [context, prefs] = await Promise.all([api.get(`/api/watch/${fileId}`).catch(() => null), api.preferences().catch(() => null)]);
  if (context) {
    title(context.seriesTitle ? `${context.seriesTitle} ${context.episode ? '– ' + context.episode : ''}` : context.name);
    replace(heading, context.aid ? h('a', { href: `/series/${context.aid}` }, context.seriesTitle || context.name) : context.seriesTitle || context.name);
    subheading.textContent = [context.episode ? `Episode ${context.episode}` : null, context.episodeTitle].filter(Boolean).join(' — ') || context.name;
  }

  const query = new URLSearchParams();
  if (params.get('transcode') === '1') query.set('transcode', '1');
  if (params.get('burn')) query.set('burn', params.get('burn'));
  let ticket;
  try {
    ticket = await api.stream(fileId, query.toString());
  } catch (error) {
    // Nothing to play: the message alone, not an empty player that looks as if it could start.
    frame.remove();
    say(error.message, true);
    const back = context?.aid ? { href: `/series/${context.aid}`, text: `Back to ${context.seriesTitle || 'the series'}` }
      : { href: '/library', text: 'Back to the library' };
    status.after(h('p', {}, h('a', { id: 'watch-back', href: back.href }, back.text)));
    return;
  }
  const info = ticket.info, v = info.video, duration = info.duration;
  say(`${ticket.mode}: ${v.codec} ${v.bitDepth}-bit ${v.width}×${v.height} → ${ticket.video}; ${info.audio.length} audio, ` +
      `${info.subtitles.filter(s => s.isText).length} text subtitle track(s); ${clock(duration)}`);

  // The subtitle track the viewer's languages chose, as a position among the text tracks (the menus' order).
  const textPositions = info.subtitles.map((s, i) => (s.isText ? i : -1)).filter(i => i >= 0);
  const menus = trackMenus({ defaultSubtitle: textPositions.indexOf(ticket.defaults.subtitle ?? -2) });
  // Text subtitles are drawn with libass (with the file's fonts); pictures (PGS, VobSub, DVB) are laid over the video.
  const burn = h('select', { id: 'burn' }, h('option', { value: 'none' }, 'None'), info.subtitles.map((s, i) =>
    s.isText || bitmapCodecs.includes(s.codec)
      ? h('option', { value: i }, s.isText ? ticket.subtitleNames[i] : `${trackName(s, i, 'Subtitles')} (picture)`) : null));
  burn.value = ticket.defaults.burn ?? 'none';
  const transcode = h('input', { id: 'transcode', type: 'checkbox', checked: params.get('transcode') === '1' });
  const playerSelect = h('select', { id: 'player' }, h('option', { value: 'auto' }, 'Automatic'),
    h('option', { value: 'hlsjs' }, 'hls.js'), h('option', { value: 'native' }, 'Built-in'));
  // The seek bar with previews, under the picture (the built-in controls' bar cannot show pictures).
  const seek = seekBar(video, { duration, trackURL: `${ticket.url.slice(0, ticket.url.indexOf('master.m3u8'))}trickplay/index.vtt` });
  status.before(seek.element, h('div', { class: 'player-bar' },
    h('label', {}, 'Audio ', menus.audio), h('label', {}, 'Subtitles ', menus.subtitles),
    h('label', { title: 'Styled subtitles drawn into the picture with their fonts and typesetting (transcodes)' }, 'Burn in ', burn),
    h('label', {}, transcode, ' Always transcode'),
    h('label', { title: 'hls.js, or the browser’s own HLS player (Safari, iOS, recent Chromium)' }, 'Player ', playerSelect),
    h('span', { class: 'muted keys' }, 'Keys: space play/pause · ← → 10 s · s skip · f full screen · m mute')));

  const progress = watchProgress(video, fileId, duration);
  const holdForChoice = await resume.offer(fileId, duration);

  // Two engines behind one set of menus, chosen by ?player=, the Player menu, or what the browser can do.
  const choice = params.get('player') || localStorage.getItem('anikura.player') || 'auto';
  playerSelect.value = ['auto', 'hlsjs', 'native'].includes(choice) ? choice : 'auto';
  const events = {
    menus: menus.menus,
    listed: menus.listed,
    ready: () => { if (!holdForChoice) video.play().catch(() => {}); },
    failed: message => say(`Playback error: ${message}`, true),
  };
  const useNative = choice === 'native' ? nativeSupported(video) : choice === 'hlsjs' ? false : !hlsSupported() && nativeSupported(video);
  const engine = !useNative && hlsSupported() ? hlsEngine(video, ticket.url, events)
    : nativeSupported(video) ? nativeEngine(video, ticket, events) : null;
  if (engine) {
    // Which engine plays, for whoever inspects a playback problem (and the browser tests).
    video.dataset.engine = engine.kind;
    menus.attach(engine);
    engine.start();
  } else {
    say('This browser cannot play HLS.', true);
  }

  playerSelect.addEventListener('change', () => {
    localStorage.setItem('anikura.player', playerSelect.value);
    const next = new URLSearchParams(location.search);
    next.delete('player');
    navigate(`/watch/${fileId}` + (next.size ? '?' + next : ''), { replace: true });
  });
  const reload = () => {
    const next = new URLSearchParams();
    if (transcode.checked) next.set('transcode', '1');
    next.set('burn', burn.value);
    if (params.get('player')) next.set('player', params.get('player'));
    navigate(`/watch/${fileId}` + (next.size ? '?' + next : ''), { replace: true });
  };
  transcode.addEventListener('change', reload);
  burn.addEventListener('change', reload);
  video.addEventListener('error', () => say(`Media error ${video.error?.code ?? ''}`.trim(), true));

  // Next episode at the end; a skip past the last chapter is the end of the episode too.
  const next = upNext(video, context?.next);
  frame.append(next.element);
  const toEnd = () => { progress.send(); next.offer(); };
  video.addEventListener('ended', toEnd);
  const skipper = chapterSkip(video, {
    chapters: context?.chapters || [], duration, track: seek.track, frame,
    mode: prefs?.skip || 'ask', firstEpisode: Number(context?.episode) === 1, toEnd,
  });
  const removeKeys = playerKeys(video, { skip: () => skipper.skipNow() });

  return () => {
    progress.stop();
    next.stop();
    removeKeys();
    engine?.stop();
    seek.stop();
    skipper.stop();
  };
}
