// The Audio and Subtitles menus under the player, following the engine's track lists, and the subtitle track the
// viewer's languages chose, put on once, as soon as the engine lists the tracks (hls.js does so after the manifest).
import { h, replace } from 'app/dom.js';

export function trackMenus({ defaultSubtitle }) {
  const audio = h('select', { id: 'audio' });
  const subtitles = h('select', { id: 'subtitles' }, h('option', { value: -1 }, 'Off'));
  let engine = null;
  let subtitleChosen = false;
  const menus = () => {
    replace(audio, engine.audioTracks().map((name, i) => h('option', { value: i }, name)));
    audio.value = engine.audioTrack();
    // Rebuilt when the engine's list changes, keeping the track being shown selected.
    replace(subtitles, h('option', { value: -1 }, 'Off'), engine.subtitleTracks().map((name, i) => h('option', { value: i }, name)));
    subtitles.value = engine.subtitleTrack();
  };
  const listed = () => {
    menus();
    if (subtitleChosen || defaultSubtitle < 0 || engine.subtitleTracks().length <= defaultSubtitle) return;
    subtitleChosen = true;
    engine.setSubtitle(defaultSubtitle);
    subtitles.value = defaultSubtitle;
  };
  audio.addEventListener('change', () => engine?.setAudio(Number(audio.value)));
  subtitles.addEventListener('change', () => engine?.setSubtitle(Number(subtitles.value)));
  return { audio, subtitles, menus, listed, attach(e) { engine = e; } };
}
