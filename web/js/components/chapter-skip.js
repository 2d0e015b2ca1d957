// Chapters in the player: a mark on the seek bar where each begins, and inside an opening, ending or recap a Skip
// button over the picture (key s). The viewer's `skip` preference decides: ask (the button), auto (skipped at once,
// except on an anime's first episode, whose opening people want to see once) or never.
import { h, clock } from 'app/dom.js';

const labels = { opening: 'Skip opening', ending: 'Skip ending', recap: 'Skip recap' };

/**
 * @param video the <video>
 * @param options.chapters [{ title, start, end, kind }] from /api/watch
 * @param options.track the seek bar's track (marks go in it), options.frame the box around the video (the button)
 * @param options.mode 'ask' | 'auto' | 'never'; options.firstEpisode: auto asks instead
 * @param options.toEnd called when a skip runs to the end of the file (the next-episode countdown)
 */
export function chapterSkip(video, { chapters, duration, track, frame, mode, firstEpisode, toEnd }) {
  const marks = h('div', { class: 'chapter-marks', 'aria-hidden': 'true' },
    chapters.filter(c => c.start > 0.5).map(c => h('span', {
      class: 'chapter-mark', dataset: { kind: c.kind }, title: `${c.title || c.kind} · ${clock(c.start)}`,
      style: `left: ${Math.min(100, (c.start / (duration || 1)) * 100)}%`,
    })));
  track.append(marks);
  const button = h('button', { id: 'skip-chapter', class: 'skip-chapter', type: 'button', hidden: true });
  frame.append(button);
  const autoSkipped = new Set();
  const skipping = mode === 'auto' && !firstEpisode;

  // The chapter being played that can be skipped (not in its last half second, where the skip would land anyway).
  const current = () => chapters.find(c => labels[c.kind] && video.currentTime >= c.start && video.currentTime < c.end - 0.5);
  // Past an ending comes the preview when one follows; otherwise the end of the file.
  const target = chapter => {
    const next = chapters[chapters.indexOf(chapter) + 1];
    if (chapter.kind === 'ending') return next && next.kind === 'preview' ? next.start : duration;
    return chapter.end;
  };
  const skip = chapter => {
    const to = target(chapter);
    button.hidden = true;
    if (to >= duration - 0.5) {
      video.pause();
      toEnd();
    } else {
      video.currentTime = to;
    }
  };
  const update = () => {
    const chapter = current();
    if (!chapter || mode === 'never') { button.hidden = true; return; }
    if (skipping && !autoSkipped.has(chapter)) {
      autoSkipped.add(chapter);
      skip(chapter);
      return;
    }
    button.textContent = labels[chapter.kind];
    button.dataset.kind = chapter.kind;
    button.hidden = false;
  };
  button.addEventListener('click', () => { const chapter = current(); if (chapter) skip(chapter); video.focus({ preventScroll: true }); });
  video.addEventListener('timeupdate', update);
  video.addEventListener('seeked', update);
  return {
    /** Key s: skips the chapter being played, if it can be skipped. */
    skipNow() { const chapter = current(); if (chapter && mode !== 'never') skip(chapter); },
    stop() { video.removeEventListener('timeupdate', update); video.removeEventListener('seeked', update); },
  };
}
