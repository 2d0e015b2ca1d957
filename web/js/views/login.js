// Sign-in, and on a fresh loopback install with no users, "create the first admin".
import { api } from 'app/api.js';
import { h, replace, title } from 'app/dom.js';

/** Only a same-origin path: `?next=//evil.example` or an absolute URL goes home instead. */
function nextPath(params) {
  const next = params.get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export async function render(main, { params, me }) {
  const setup = await api.get('/api/auth/setup').catch(() => ({ available: false }));
  const creating = setup.available;
  title(creating ? 'Create the first admin' : 'Sign in');
  if (me && me.credential !== 'open') { location.replace(nextPath(params)); return; }
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: creating ? 'new-password' : 'current-password', required: true, minlength: creating ? 8 : undefined });
  const message = h('p', { id: 'message', class: 'error', role: 'alert' });
  const submit = h('button', { id: 'submit', type: 'submit', class: 'primary' }, creating ? 'Create admin and sign in' : 'Sign in');
  const form = h('form', { class: 'login-form', novalidate: true },
    h('label', { for: 'username' }, 'User name'), username,
    h('label', { for: 'password' }, 'Password'), password,
    creating ? h('p', { class: 'muted' }, 'At least 8 characters. This account can add more users later, in Settings.') : null,
    message, submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    message.textContent = '';
    if (!username.value || !password.value) { message.textContent = 'Enter a user name and a password.'; return; }
    submit.disabled = true;
    try {
      await api.post(creating ? '/api/auth/setup' : '/api/auth/login', { username: username.value, password: password.value });
      location.replace(nextPath(params));
    } catch (error) {
      message.textContent = error.status === 429 ? `${error.message} Too many attempts: wait, then try again.` : error.message;
      submit.disabled = false;
      password.select();
    }
  });
  replace(main, h('section', { class: 'login' },
    h('img', { src: '/favicon.svg', alt: '', width: 48, height: 48 }),
    h('h1', {}, creating ? 'Create the first admin' : 'Sign in to Anikura'),
    creating ? h('p', { class: 'muted' }, 'This install has no users yet. Anyone on this machine can use it until you create one; after that everyone signs in.') : null,
    form));
  username.focus();
}
