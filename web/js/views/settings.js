// Settings: how you watch (languages, subtitle style, skipping), your password and API keys; for admins, users and roles, media folders and "scan now".
import { api } from 'app/api.js';
import { h, replace, relative, plural, title } from 'app/dom.js';

export async function render(main, { me, isAdmin, header }) {
  title('Settings');
  const open = me.credential === 'open';
  const sections = [h('h1', {}, 'Settings'), await playbackSection(), await listsSection()];
  if (open) {
    sections.push(h('section', { class: 'panel' }, h('h2', {}, 'Accounts'),
      h('p', {}, 'This install has no users: anyone on this machine is its admin. Create the first admin to require sign-in.'),
      h('a', { class: 'button primary', href: '/login' }, 'Create the first admin')));
  } else {
    sections.push(passwordSection(), await keysSection());
  }
  if (isAdmin) {
    if (!open) sections.push(await usersSection(me), await invitesSection());
    sections.push(await foldersSection(header));
  }
  replace(main, sections);
  if (location.hash) document.querySelector(location.hash)?.scrollIntoView();
}

function field(label, input) {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
const languageList = codes => codes.map(code => { try { return languageNames.of(code); } catch { return code; } }).join(', ');

/** Your languages (in order), how subtitles are shown, and what the player does at an opening or ending. */
async function playbackSection() {
  const prefs = await api.preferences();
  const message = h('p', { role: 'status', id: 'playback-message' });
  const audio = h('input', { id: 'audio-languages', name: 'audio_languages', value: prefs.audio_languages.join(', '), placeholder: 'jpn, eng', autocomplete: 'off' });
  const subs = h('input', { id: 'subtitle-languages', name: 'subtitle_languages', value: prefs.subtitle_languages.join(', '), placeholder: 'eng (empty: no subtitles)', autocomplete: 'off' });
  const style = h('select', { id: 'subtitle-style', name: 'subtitle_style' },
    h('option', { value: 'text' }, 'Text (the browser draws them; no transcoding)'),
    h('option', { value: 'styled' }, 'Styled (typesetting and fonts burnt in; transcodes)'));
  const skip = h('select', { id: 'skip-mode', name: 'skip' },
    h('option', { value: 'ask' }, 'Show a Skip button'),
    h('option', { value: 'auto' }, 'Skip by itself (not on a first episode)'),
    h('option', { value: 'never' }, 'Never'));
  style.value = prefs.subtitle_style;
  skip.value = prefs.skip;
  // 18+ titles: the viewer's own choice, unless an admin made it for them.
  const hide = h('input', { type: 'checkbox', id: 'hide-restricted', name: 'hide_restricted', checked: prefs.hide_restricted, disabled: prefs.hide_restricted_by_admin });
  const hideField = h('label', { class: 'check' }, hide, ' Hide 18+ titles',
    prefs.hide_restricted_by_admin ? h('span', { class: 'muted' }, ' (set by an admin)') : null);
  const summary = h('p', { class: 'muted', id: 'playback-summary' });
  const describe = p => {
    const audioText = p.audio_languages.length ? `Audio in ${languageList(p.audio_languages)}` : 'The file’s own audio track';
    const subText = p.subtitle_languages.length ? `subtitles in ${languageList(p.subtitle_languages)} (signs only when the audio is in your language)` : 'no subtitles';
    summary.textContent = `${audioText}; ${subText}.`;
  };
  describe(prefs);
  const codes = text => text.split(/[\s,;]+/).filter(Boolean);
  const form = h('form', { class: 'stack', id: 'playback-form' },
    field('Audio languages, in order (ISO 639 codes)', audio),
    field('Subtitle languages, in order', subs),
    field('Subtitles', style), field('Openings, endings and recaps', skip), hideField,
    h('button', { type: 'submit', class: 'primary' }, 'Save'), message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const change = { audio_languages: codes(audio.value), subtitle_languages: codes(subs.value), subtitle_style: style.value, skip: skip.value };
      if (!hide.disabled) change.hide_restricted = hide.checked;
      const saved = await api.setPreferences(change);
      audio.value = saved.audio_languages.join(', ');
      subs.value = saved.subtitle_languages.join(', ');
      describe(saved);
      message.className = 'ok'; message.textContent = 'Saved. The next episode you start uses them.';
    } catch (error) { message.className = 'error'; message.textContent = error.message; }
  });
  return h('section', { class: 'panel', id: 'playback' }, h('h2', {}, 'Playback'), summary, form);
}

/** AniList and MyAnimeList: linked as whom, whether the service still takes the token, what waits, what cannot be synced. */
async function listsSection() {
  const section = h('section', { class: 'panel', id: 'lists' });
  const problem = new URLSearchParams(location.search).get('link_error');
  const draw = async () => {
    const links = await api.get('/api/me/links');
    const message = h('p', { role: 'status', id: 'lists-message', class: problem ? 'error' : '' }, problem || '');
    const fail = error => { message.className = 'error'; message.textContent = error.message; };
    const state = (link, name, id) => {
      const parts = [h('p', { id: `${id}-state`, class: link.state === 'ok' ? 'health ok' : 'health warn' },
        link.state === 'ok'
          ? `Linked as ${link.account}: episodes you finish update your ${name} list (${plural(link.synced, 'anime')} up to date${link.pending ? `, ${link.pending} waiting` : ''}).`
          : `${name} no longer takes the token for ${link.account}: link again. ${link.message || ''}`),
        link.last_error && link.state === 'ok' ? h('p', { class: 'muted' }, `Last problem: ${link.last_error} (it is tried again).`) : null];
      if (link.not_synced?.length) {
        parts.push(h('details', { id: `${id}-not-synced` }, h('summary', {}, `Not synced: ${plural(link.not_synced.length, 'anime')} with no ${name} id`),
          h('ul', { class: 'plain' }, link.not_synced.map(a => h('li', {}, h('a', { href: `/series/${a.aid}` }, a.title), h('span', { class: 'muted' }, ` — not synced: ${a.reason}`))))));
      }
      if (link.state === 'ok') {
        parts.push(h('button', { type: 'button', class: 'danger', id: `${id}-unlink`,
          onclick: async () => { try { await api.delete(`/api/me/links/${id}`); await draw(); } catch (error) { fail(error); } } }, `Unlink ${name}`));
      }
      return parts;
    };
    // AniList: an access token pasted here.
    const anilist = links.anilist;
    const token = h('input', { id: 'anilist-token', name: 'token', type: 'password', autocomplete: 'off', required: true, placeholder: 'Paste the access token' });
    const form = h('form', { class: 'inline', id: 'anilist-form' }, field(anilist.linked ? 'A new token' : 'AniList access token', token),
      h('button', { type: 'submit', class: anilist.linked ? '' : 'primary' }, anilist.linked ? 'Link again' : 'Link AniList'));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try { await api.put('/api/me/links/anilist', { token: token.value.trim() }); await draw(); } catch (error) { fail(error); }
    });
    const aniListParts = [h('h3', {}, 'AniList'), ...(anilist.linked ? state(anilist, 'AniList', 'anilist') : [])];
    if (!anilist.linked || anilist.state !== 'ok') {
      aniListParts.push(h('p', { class: 'muted' }, 'Make a client at ', h('a', { href: 'https://anilist.co/settings/developer', rel: 'noreferrer', target: '_blank' }, 'anilist.co/settings/developer'),
        ' with the redirect URL ', h('code', {}, 'https://anilist.co/api/v2/oauth/pin'), ', put its id here, and AniList shows you a token to paste below (AniList’s documentation: Authentication → Implicit grant).'),
        aniListClient(), form);
    }
    // MyAnimeList: MAL's own page asks the person, then sends them back here.
    const mal = links.mal;
    const malParts = [h('h3', {}, 'MyAnimeList'), ...(mal.linked ? state(mal, 'MyAnimeList', 'mal') : [])];
    if (!mal.available) {
      malParts.push(h('p', { class: 'muted', id: 'mal-off' }, 'Not set up: an admin registers a MyAnimeList client and sets mal.client_id.'));
    } else if (!mal.linked || mal.state !== 'ok') {
      malParts.push(h('button', { type: 'button', class: 'primary', id: 'mal-link',
        onclick: async () => { try { location.assign((await api.get('/api/me/links/mal/start')).url); } catch (error) { fail(error); } } }, 'Link MyAnimeList'));
    }
    replace(section, h('h2', {}, 'Lists'), h('p', { class: 'muted' }, 'Episodes you finish here update your lists there, by the right season.'),
      aniListParts, malParts, message);
  };
  await draw();
  return section;
}

function passwordSection() {
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true, name: 'current' });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8, name: 'new' });
  const message = h('p', { role: 'status' });
  const form = h('form', { class: 'stack' }, field('Current password', current), field('New password (8 characters or more)', next),
    h('button', { type: 'submit' }, 'Change password'), message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      await api.post('/api/me/password', { currentPassword: current.value, newPassword: next.value });
      message.className = 'ok'; message.textContent = 'Password changed. Your other sessions were signed out.';
      form.reset();
    } catch (error) { message.className = 'error'; message.textContent = error.message; }
  });
  return h('section', { class: 'panel', id: 'password' }, h('h2', {}, 'Password'), form);
}

async function keysSection() {
  const section = h('section', { class: 'panel', id: 'keys' });
  const draw = async (created) => {
    const { keys } = await api.get('/api/me/keys');
    const label = h('input', { name: 'label', required: true, maxlength: 200, placeholder: 'e.g. Kometa on the NAS' });
    const form = h('form', { class: 'inline' }, field('Label', label), h('button', { type: 'submit' }, 'Create key'));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const key = await api.post('/api/me/keys', { label: label.value });
      draw(key);
    });
    replace(section, h('h2', {}, 'API keys'),
      h('p', { class: 'muted' }, 'For tools that call Anikura for you: send as Authorization: Bearer KEY or X-Api-Key.'),
      created ? h('div', { class: 'flash', id: 'new-key' }, h('p', {}, `Key “${created.label}” — copy it now, it is not shown again:`), h('code', { class: 'secret' }, created.key)) : null,
      keys.length ? h('ul', { class: 'rows' }, keys.map(key => h('li', {}, h('b', {}, key.label),
        h('span', { class: 'muted' }, ` created ${relative(key.createdAt)}, ${key.lastUsedAt ? 'last used ' + relative(key.lastUsedAt) : 'never used'}`),
        h('button', { type: 'button', class: 'danger', onclick: async () => { if (confirm(`Revoke “${key.label}”?`)) { await api.delete(`/api/me/keys/${key.id}`); draw(); } } }, 'Revoke'))))
        : h('p', { class: 'muted' }, 'No keys yet.'),
      form);
  };
  await draw();
  return section;
}

async function usersSection(me) {
  const section = h('section', { class: 'panel', id: 'users' });
  const draw = async () => {
    const { users } = await api.get('/api/users');
    const message = h('p', { role: 'status' });
    const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
    const password = h('input', { name: 'password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
    const role = h('select', { name: 'role' }, h('option', { value: 'viewer' }, 'Viewer'), h('option', { value: 'admin' }, 'Admin'));
    const form = h('form', { class: 'inline' }, field('Name', name), field('Password', password), field('Role', role), h('button', { type: 'submit' }, 'Add user'));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try { await api.post('/api/users', { name: name.value, role: role.value, password: password.value }); await draw(); }
      catch (error) { message.className = 'error'; message.textContent = error.message; }
    });
    const act = async (work) => { try { await work(); await draw(); } catch (error) { message.className = 'error'; message.textContent = error.message; } };
    replace(section, h('h2', {}, 'Users'),
      h('ul', { class: 'rows' }, users.map(user => h('li', { dataset: { user: user.name } }, h('b', {}, user.name), user.name === me.username ? h('span', { class: 'muted' }, ' (you)') : null,
        h('select', { 'aria-label': `Role of ${user.name}`, onchange: event => act(() => api.post(`/api/users/${user.id}/role`, { role: event.target.value })) },
          ['viewer', 'admin'].map(r => h('option', { value: r, selected: r === user.role }, r === 'admin' ? 'Admin' : 'Viewer'))),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: user.hide_restricted, 'aria-label': `Hide 18+ titles from ${user.name}`,
          onchange: event => act(() => api.put(`/api/users/${user.id}`, { hide_restricted: event.target.checked })) }), ' Hide 18+'),
        user.name === me.username ? null : h('button', { type: 'button', class: 'danger', onclick: () => { if (confirm(`Remove ${user.name} and their watch state?`)) act(() => api.delete(`/api/users/${user.id}`)); } }, 'Remove')))),
      message, form);
  };
  await draw();
  return section;
}

/** Invitations: a link with which a person makes their own account, with a role, a lifetime and a number of uses. */
async function invitesSection() {
  const section = h('section', { class: 'panel', id: 'invites' });
  const draw = async (made) => {
    const { invites } = await api.get('/api/invites');
    const message = h('p', { role: 'status', id: 'invite-message' });
    const role = h('select', { name: 'role', id: 'invite-role' }, h('option', { value: 'viewer' }, 'Viewer'), h('option', { value: 'admin' }, 'Admin'));
    const hours = h('select', { name: 'hours', id: 'invite-hours' },
      [[24, '1 day'], [72, '3 days'], [168, 'a week'], [720, '30 days']].map(([value, label]) => h('option', { value, selected: value === 72 }, label)));
    const uses = h('input', { name: 'uses', id: 'invite-uses', type: 'number', min: 1, max: 100, value: 1, required: true, inputmode: 'numeric' });
    const form = h('form', { class: 'inline', id: 'invite-form' }, field('Role', role), field('Expires in', hours), field('Accounts', uses),
      h('button', { type: 'submit', class: 'primary' }, 'Make an invitation'));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await draw(await api.post('/api/invites', { role: role.value, hours: Number(hours.value), uses: Number(uses.value) }));
      } catch (error) { message.className = 'error'; message.textContent = error.message; }
    });
    let fresh = null;
    if (made) {
      const link = h('input', { id: 'invite-link', readonly: true, value: new URL(made.url, location.href).href, 'aria-label': 'Invitation link' });
      const copy = h('button', { type: 'button', id: 'invite-copy' }, 'Copy link');
      copy.onclick = async () => {
        link.select();
        try { await navigator.clipboard.writeText(link.value); copy.textContent = 'Copied'; }
        catch { document.execCommand('copy'); copy.textContent = 'Copied'; }
      };
      fresh = h('div', { class: 'flash', id: 'new-invite' },
        h('p', {}, `Send this link to the person (a ${made.role}; ${plural(made.uses_left, 'account')}; it expires ${relative(made.expires_at)}). It is not shown again:`),
        h('div', { class: 'copy-row' }, link, copy));
    }
    const states = { open: 'open', expired: 'expired', used: 'used up' };
    replace(section, h('h2', {}, 'Invitations'),
      h('p', { class: 'muted' }, 'A link with which someone makes their own account, instead of you choosing their password.'),
      fresh,
      invites.length ? h('ul', { class: 'rows', id: 'invite-list' }, invites.map(invite => h('li', { dataset: { invite: invite.id, state: invite.state } },
        h('b', {}, invite.role === 'admin' ? 'Admin' : 'Viewer'),
        h('span', { class: invite.state === 'open' ? 'tag on' : 'tag missing' }, states[invite.state] || invite.state),
        h('span', { class: 'muted' }, ` ${plural(invite.uses_left, 'use')} left, ${invite.state === 'expired' ? 'expired' : 'expires'} ${relative(invite.expires_at)}`),
        h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke invitation ${invite.id}`,
          onclick: async () => { try { await api.delete(`/api/invites/${invite.id}`); await draw(); } catch (error) { message.className = 'error'; message.textContent = error.message; } } }, 'Revoke'))))
        : h('p', { class: 'muted' }, 'No invitations.'),
      form, message);
  };
  await draw();
  return section;
}

async function foldersSection(header) {
  const { folders, watching } = await api.get('/api/library/folders');
  const message = h('p', { role: 'status' });
  const scan = h('button', { type: 'button', class: 'primary', id: 'scan-now', disabled: !folders.length }, 'Scan now');
  scan.onclick = async () => {
    scan.disabled = true;
    try {
      const job = await api.scan();
      message.textContent = 'Scanning; progress shows in the header.';
      header.follow(job, done => { scan.disabled = false; message.textContent = done.state === 'done' ? 'Scan finished; matching follows when something changed.' : `Scan failed: ${done.error}`; });
    } catch (error) { message.className = 'error'; message.textContent = error.message; scan.disabled = false; }
  };
  return h('section', { class: 'panel', id: 'folders' }, h('h2', {}, 'Media folders'),
    folders.length ? h('ul', { class: 'rows' }, folders.map(folder => h('li', {}, h('code', {}, folder.path),
      h('span', { class: folder.reachable ? 'tag on' : 'tag missing', title: folder.answering === false ? 'Its disk or share did not answer in time' : null },
        folder.reachable ? 'reachable' : folder.answering === false ? 'not answering' : 'offline'),
      h('span', { class: 'muted' }, ` ${plural(folder.files, 'file')}${folder.offlineFiles ? `, ${folder.offlineFiles} offline` : ''}`))))
      : h('p', { class: 'muted' }, 'No media folders: set library.media_dirs in config.toml (or ANIKURA_LIBRARY_MEDIA_DIRS) and restart.'),
    folders.length ? watchNote(watching) : null,
    scan, message);
}

/** A message from the server as a sentence, so another can follow it. */
const sentence = text => /[.!?]$/.test(text) ? text : `${text}.`;

/** Whether new files show up by themselves: watched (inotify), the kernel's limit reached, or off. */
function watchNote(watching) {
  if (!watching) return null;
  const every = watching.rescan_mins > 0 ? ` A whole scan also runs every ${plural(Math.round(watching.rescan_mins), 'minute')}.` : '';
  switch (watching.state) {
    case 'watching':
    case 'starting':
      return h('p', { class: 'health ok', id: 'watching' }, `Watching ${plural(watching.folders, 'folder')}: new files appear within seconds.${every}`);
    case 'limit':
      return h('p', { class: 'health warn', id: 'watching' }, watching.message);
    default:
      return h('p', { class: 'health warn', id: 'watching' }, sentence(watching.message || 'Folders are not watched') + every);
  }
}

/** The AniList client id a person made, kept in this browser, and the link to AniList's page that shows their token. */
function aniListClient() {
  const id = h('input', { id: 'anilist-client', name: 'client', inputmode: 'numeric', autocomplete: 'off', placeholder: 'e.g. 12345', value: localStorage.getItem('anilist-client') || '' });
  const open = h('a', { id: 'anilist-authorize', class: 'button', target: '_blank', rel: 'noreferrer' }, 'Get a token from AniList');
  const update = () => {
    const value = id.value.trim();
    if (/^[0-9]+$/.test(value)) {
      localStorage.setItem('anilist-client', value);
      open.href = `https://anilist.co/api/v2/oauth/authorize?client_id=${value}&response_type=token`;
      open.removeAttribute('aria-disabled');
    } else {
      open.removeAttribute('href');
      open.setAttribute('aria-disabled', 'true');
    }
  };
  id.addEventListener('input', update);
  update();
  return h('div', { class: 'inline' }, field('AniList client id', id), open);
}
