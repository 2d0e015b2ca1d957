// The next episode at the end of this one: a 10 s countdown over the picture, "Play now", and Cancel to stay.
import { h, replace } from 'app/dom.js';
import { navigate } from 'app/router.js';

export function upNext(video, next) {
  const element = h('div', { id: 'up-next', class: 'up-next', hidden: true, role: 'alertdialog', 'aria-live': 'assertive' });
  let countdown = 0;
  const offer = () => {
    if (!next || !element.hidden) return;
    let left = 10;
    const cancel = h('button', { type: 'button', id: 'up-next-cancel' }, 'Cancel');
    const go = h('a', { class: 'button primary', href: `/watch/${next.fileId}`, id: 'up-next-play' }, 'Play now');
    const text = h('span', { id: 'up-next-text' });
    const tick = () => { text.textContent = `Episode ${next.episode}${next.title ? ' — ' + next.title : ''} starts in ${left} s`; };
    tick();
    replace(element, h('b', {}, 'Up next'), text, h('div', { class: 'actions' }, go, cancel));
    element.hidden = false;
    cancel.onclick = () => { clearInterval(countdown); element.hidden = true; video.focus(); };
    go.focus();
    countdown = setInterval(() => {
      left -= 1;
      tick();
      if (left <= 0) { clearInterval(countdown); navigate(`/watch/${next.fileId}`); }
    }, 1000);
  };
  return { element, offer, stop: () => clearInterval(countdown) };
}
