// The Audio and Subtitles menus under the player, following the engine's track lists, and the subtitle track the
// viewer's languages chose, put on once, as soon as the engine lists the tracks (hls.js does so after the manifest).
import { h, replace } from 'app/dom.js';

export function trackMenus({ defaultSubtitle }) {
  const audio = h('select', { id: 'audio' });
  const subtitles = h('select', { id: 'subtitles' }, h('option', { value: -1 }, 'Off'));
  let engine = null;
  let subtitleChosen = false;
  // Options are rebuilt only when the engine's list itself changes (not on every switch), so a menu a person has
  // open is not swapped out from under them; the selection always follows the engine.
  const fill = (select, names, first = []) => {
    const labels = [...first, ...names];
    if ([...select.options].map((o) => o.textContent).join('\n') === labels.join('\n')) return;
    replace(select, first.map(() => h('option', { value: -1 }, 'Off')), names.map((name, i) => h('option', { value: i }, name)));
  };
  const menus = () => {
    fill(audio, engine.audioTracks());
    audio.value = engine.audioTrack();
    fill(subtitles, engine.subtitleTracks(), ['Off']);
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
