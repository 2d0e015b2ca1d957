// Joining with an invitation: the link an admin sent (/join/{code}) says what it offers; the person picks a name and
// a password and is signed in.
import { api } from 'app/api.js';
import { h, replace, title, relative } from 'app/dom.js';

export async function render(main, { args }) {
  const code = args[0];
  title('Join Anikura');
  const message = h('p', { id: 'message', class: 'error', role: 'alert' });
  let offer = null;
  try {
    offer = await api.invite(code);
  } catch (error) {
    replace(main, h('section', { class: 'login' },
      h('img', { src: '/favicon.svg', alt: '', width: 48, height: 48 }),
      h('h1', {}, 'This invitation cannot be used'),
      h('p', { id: 'invite-problem', class: 'error', role: 'alert' }, error.status === 429 ? `${error.message} Wait, then reload.` : error.message),
      h('p', { class: 'muted' }, 'Already have an account? ', h('a', { href: '/login' }, 'Sign in'), '.')));
    return;
  }
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, maxlength: 64, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const submit = h('button', { id: 'submit', type: 'submit', class: 'primary' }, 'Create my account');
  const form = h('form', { class: 'login-form', novalidate: true },
    h('label', { for: 'username' }, 'User name'), username,
    h('p', { class: 'muted' }, 'Letters, digits, “.”, “-” or “_”; up to 64.'),
    h('label', { for: 'password' }, 'Password'), password,
    h('p', { class: 'muted' }, 'At least 8 characters.'),
    message, submit);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    message.textContent = '';
    if (!username.value || !password.value) { message.textContent = 'Choose a user name and a password.'; return; }
    submit.disabled = true;
    try {
      await api.register(code, username.value, password.value);
      location.replace('/');
    } catch (error) {
      message.textContent = error.status === 429 ? `${error.message} Too many attempts: wait, then try again.` : error.message;
      submit.disabled = false;
    }
  });
  replace(main, h('section', { class: 'login' },
    h('img', { src: '/favicon.svg', alt: '', width: 48, height: 48 }),
    h('h1', {}, 'You are invited to Anikura'),
    h('p', { class: 'muted', id: 'invite-offer' },
      `Make your account${offer.role === 'admin' ? ' (an admin: you can add folders and users)' : ''}. This invitation expires ${relative(offer.expires_at)}.`),
    form));
  username.focus();
}
