// The player engine on the browser's own HLS player (Safari, iOS, Chromium 141+), with the face of hls-engine.js.
// Where the browser lists the stream's audio and subtitle renditions itself (Safari), they are used; where it does
// not (Chromium), another audio track is the same stream with that track as the default, resumed where it was, and
// subtitles are the track's whole WebVTT added as a <track>.
import { h } from 'app/dom.js';
import { trackName } from 'app/player/track-name.js';

export const nativeSupported = video => video.canPlayType('application/vnd.apple.mpegurl') !== '';

export function nativeEngine(video, ticket, events) {
  const info = ticket.info;
  const base = ticket.url.slice(0, ticket.url.indexOf('master.m3u8'));
  const audio = info.audio.map((a, i) => trackName(a, i, 'Audio'));
  const texts = info.subtitles.map((s, i) => ({ s, i })).filter(({ s }) => s.isText);
  let audioIndex = Number(new URL(ticket.url, location.href).searchParams.get('audio') ?? info.audio.findIndex(a => a.isDefault));
  if (!(audioIndex >= 0)) audioIndex = 0;
  const ownTracks = texts.map(({ s, i }) => {
    const track = h('track', { kind: 'subtitles', src: `${base}s${i}/full.vtt`, label: ticket.subtitleNames[i] });
    if (s.language) track.srclang = s.language;
    return track;
  });
  const platformText = () => [...video.textTracks].filter(t => !ownTracks.some(o => o.track === t));
  const shownList = () => (platformText().length ? platformText() : ownTracks.map(t => t.track));
  // The track the viewer chose (-1: none). Chromium turns on tracks of the browser's language by itself as they
  // load; every change is brought back to the choice.
  let shownSubtitle = -1;
  const applySubtitle = () => {
    shownList().forEach((t, n) => { const mode = n === shownSubtitle ? 'showing' : 'disabled'; if (t.mode !== mode) t.mode = mode; });
  };
  video.textTracks.addEventListener('change', applySubtitle);
  const streamURL = () => {
    const url = new URL(ticket.url, location.href);
    url.searchParams.set('audio', audioIndex);
    return url.pathname + url.search;
  };
  return {
    kind: 'native',
    start() {
      video.src = streamURL();
      video.addEventListener('loadedmetadata', () => {
        // Safari shows the subtitle renditions itself; only a player without them gets our <track>s.
        if (!platformText().length && !video.querySelector('track')) video.append(...ownTracks);
        events.listed();
      }, { once: true });
      events.menus();
      events.ready();
    },
    stop() {
      video.textTracks.removeEventListener('change', applySubtitle);
      video.pause();
    },
    audioTracks: () => audio,
    audioTrack: () => audioIndex,
    setAudio(i) {
      if (i === audioIndex) return;
      audioIndex = i;
      const list = video.audioTracks;
      if (list && list.length === audio.length) {
        for (let n = 0; n < list.length; n++) list[n].enabled = n === i;
        return;
      }
      const at = video.currentTime, paused = video.paused;
      video.src = streamURL();
      video.addEventListener('loadedmetadata', () => {
        video.currentTime = at;
        if (!paused) video.play().catch(() => {});
      }, { once: true });
    },
    subtitleTracks: () => texts.map(({ i }) => ticket.subtitleNames[i]),
    subtitleTrack: () => shownList().findIndex(t => t.mode === 'showing'),
    setSubtitle(i) {
      shownSubtitle = i;
      applySubtitle();
    },
  };
}
