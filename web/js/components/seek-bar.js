// A seek bar with previews: while the pointer is over it, or it is dragged or moved with the keyboard, a picture of
// that moment shows above it, like Jellyfin's trickplay. The pictures come from the stream's WebVTT thumbnails track
// (cues pointing into JPEG sprite sheets with #xywh=), which the server makes on first play; until it is ready the
// bar seeks without pictures and asks again.
import { h, clock } from 'app/dom.js';

/** Parses a thumbnails track: [{ start, end, url, x, y, w, h }], urls resolved against the track's own. */
export function parseThumbnails(text, trackURL) {
  const cues = [];
  const time = t => t.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^([0-9:.]+)\s+-->\s+([0-9:.]+)/);
    if (!m || !lines[i + 1]) continue;
    const [file, fragment] = lines[i + 1].split('#xywh=');
    if (!fragment) continue;
    const [x, y, w, hgt] = fragment.split(',').map(Number);
    cues.push({ start: time(m[1]), end: time(m[2]), url: new URL(file, new URL(trackURL, location.href)).href, x, y, w, h: hgt });
  }
  return cues;
}

export function seekBar(video, { duration, trackURL }) {
  const bar = h('input', { id: 'seekbar', type: 'range', min: 0, max: Math.max(1, Math.floor(duration)), step: 1, value: 0,
                           'aria-label': 'Seek', 'aria-valuetext': '0:00' });
  const picture = h('div', { class: 'seek-picture', id: 'seek-picture' });
  const label = h('span', { class: 'seek-time', id: 'seek-time' });
  const preview = h('div', { class: 'seek-preview', id: 'seek-preview', hidden: true, 'aria-hidden': 'true' }, picture, label);
  // The bar sits in a track of its own, so marks (chapters) can be laid over it by share of the running time.
  const track = h('div', { class: 'seek-track' }, bar);
  const element = h('div', { class: 'seek-row' }, preview, track, h('span', { class: 'seek-clock muted', id: 'seek-clock' }, `0:00 / ${clock(duration)}`));
  let cues = [];
  let dragging = false;
  let stopped = false;
  let retry = 0;

  async function load() {
    for (let attempt = 0; attempt < 90 && !stopped; attempt++) {
      const response = await fetch(trackURL).catch(() => null);
      if (response?.status === 200) { cues = parseThumbnails(await response.text(), trackURL); element.dataset.previews = cues.length; return; }
      if (response?.status !== 202) return;  // no previews for this file: the bar still seeks
      await new Promise(resolve => { retry = setTimeout(resolve, 1000 * Number(response.headers.get('Retry-After') || 2)); });
    }
  }

  function show(seconds) {
    const fraction = Math.min(1, Math.max(0, seconds / (duration || 1)));
    label.textContent = clock(seconds);
    const cue = cues.find(c => seconds >= c.start && seconds < c.end) || (seconds >= duration ? cues[cues.length - 1] : null);
    picture.hidden = !cue;
    if (cue) {
      Object.assign(picture.style, { width: `${cue.w}px`, height: `${cue.h}px`, backgroundImage: `url("${cue.url}")`,
                                     backgroundPosition: `-${cue.x}px -${cue.y}px` });
      picture.dataset.cue = `${cue.url.split('/').pop()}#${cue.x},${cue.y}`;
    }
    preview.hidden = false;
    const width = bar.clientWidth, half = preview.offsetWidth / 2;
    preview.style.left = `${Math.min(Math.max(fraction * width, half), Math.max(half, width - half))}px`;
  }
  const hide = () => { if (!dragging) preview.hidden = true; };
  const at = event => {
    const box = bar.getBoundingClientRect();
    return ((event.clientX - box.left) / box.width) * duration;
  };

  bar.addEventListener('pointermove', event => { if (!dragging) show(at(event)); });
  bar.addEventListener('pointerleave', hide);
  bar.addEventListener('input', () => { dragging = true; show(Number(bar.value)); });
  bar.addEventListener('change', () => {
    dragging = false;
    video.currentTime = Number(bar.value);
    if (document.activeElement !== bar) hide();
  });
  bar.addEventListener('blur', () => { dragging = false; hide(); });
  const clockText = element.querySelector('#seek-clock');
  const update = () => {
    if (dragging) return;
    bar.value = Math.floor(video.currentTime);
    bar.setAttribute('aria-valuetext', clock(video.currentTime));
    clockText.textContent = `${clock(video.currentTime)} / ${clock(duration)}`;
  };
  video.addEventListener('timeupdate', update);
  load();
  return {
    element,
    track,
    show,
    previews: () => cues,
    stop() { stopped = true; clearTimeout(retry); video.removeEventListener('timeupdate', update); },
  };
}
