// The "Send to Sonarr" / "Send to Radarr" button beside a missing anime (admins, when the program is set up):
// Anikura finds or adds the series or film there, monitors exactly this anime's episodes and starts a search.
import { api } from 'app/api.js';
import { h } from 'app/dom.js';

const names = { sonarr: 'Sonarr', radarr: 'Radarr' };

export function sendToButton(aid, program, title) {
  const name = names[program] || program;
  const status = h('span', { class: 'send-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'send-to', 'aria-label': `Send ${title || `anime ${aid}`} to ${name}` }, `Send to ${name}`);
  button.onclick = async () => {
    button.disabled = true;
    button.textContent = 'Sending…';
    status.className = 'send-status';
    status.textContent = '';
    try {
      const done = await api.sendTo(aid, program);
      button.replaceWith(h('span', { class: 'tag on' }, done.action === 'added' ? `Added to ${name}` : `In ${name}`));
      status.textContent = done.monitored ? `monitoring ${done.monitored}, searching` : 'searching';
    } catch (error) {
      button.disabled = false;
      button.textContent = `Send to ${name}`;
      status.className = 'send-status error';
      status.textContent = error.message;
    }
  };
  return h('span', { class: 'send-to-group' }, button, status);
}
