// The player engine on hls.js (Media Source Extensions). Every engine offers the same face to the player page:
// start(), stop(), the audio and subtitle track lists and choices; and tells it, through `events`, when the lists
// change (`menus`), when they are first known (`listed`), when playback can begin (`ready`) and a fatal error.
import Hls from 'hls';

export const hlsSupported = () => Hls.isSupported();

export function hlsEngine(video, url, events) {
  const hls = new Hls({ maxBufferLength: 30, enableWebVTT: true, renderTextTracksNatively: true });
  hls.on(Hls.Events.ERROR, (_, data) => {
    if (data.fatal) events.failed(`${data.type}: ${data.details}`);
    // Stalls and the like, which hls.js gets past by itself; kept in the console for whoever looks into a playback.
    else console.warn(`hls.js non-fatal error: ${data.details}`);
  });
  const name = (t, i) => t.name || t.lang || `Track ${i + 1}`;
  return {
    kind: 'hls.js',
    start() {
      // hls.js fills its track lists after the manifest, and again on a change.
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, events.menus);
      hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, events.menus);
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, events.listed);
      hls.on(Hls.Events.MANIFEST_PARSED, () => { events.listed(); events.ready(); });
      hls.loadSource(url);
      hls.attachMedia(video);
    },
    stop: () => hls.destroy(),
    audioTracks: () => hls.audioTracks.map(name),
    audioTrack: () => hls.audioTrack,
    setAudio(i) { hls.audioTrack = i; },
    subtitleTracks: () => hls.subtitleTracks.map(name),
    subtitleTrack: () => (hls.subtitleDisplay ? hls.subtitleTrack : -1),
    setSubtitle(i) { hls.subtitleTrack = i; hls.subtitleDisplay = i >= 0; },
  };
}
