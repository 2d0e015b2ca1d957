// "You stopped at 12:34 — Resume / Start over", asked before playback starts: with a place to resume, the player
// waits for the choice instead of playing from 0.
import { api } from 'app/api.js';
import { h, clock } from 'app/dom.js';

export function resumeOffer(video) {
  const text = h('span', { id: 'resume-text' });
  const yes = h('button', { id: 'resume-yes', type: 'button', class: 'primary' }, 'Resume');
  const no = h('button', { id: 'resume-no', type: 'button' }, 'Start over');
  const element = h('div', { id: 'resume', class: 'resume', hidden: true, role: 'group', 'aria-label': 'Resume playback' }, text, yes, no);
  const playFrom = position => { video.currentTime = position; element.hidden = true; video.play().catch(() => {}); };
  return {
    element,
    /// Shows the offer when there is a place worth resuming; true when it did (the player then holds).
    async offer(fileId, duration) {
      const progress = await api.progress(fileId).catch(() => null);
      if (!progress || progress.position < 5 || progress.watched || progress.position > duration - 10) return false;
      element.dataset.position = progress.position;
      text.textContent = `You stopped at ${clock(progress.position)}.`;
      element.hidden = false;
      yes.onclick = () => playFrom(progress.position);
      no.onclick = () => playFrom(0);
      yes.focus({ preventScroll: true });
      return true;
    },
  };
}
