// The header on every page: navigation, search, the running job with live progress, the user menu.
import { api } from 'app/api.js';
import { h, replace } from 'app/dom.js';

export class Header {
  constructor(element, me) {
    this.element = element;
    this.me = me;
    this.isAdmin = me?.role === 'admin';
    this.source = null;
    if (!me) { element.hidden = true; return; }
    this.build();
    if (this.isAdmin) this.findRunningJob();
  }

  build() {
    const links = [['/', 'Home'], ['/library', 'Library']];
    if (this.isAdmin) links.push(['/attention', 'Attention'], ['/mirror', 'Mirror']);
    links.push(['/settings', 'Settings']);
    this.nav = h('nav', { class: 'nav', 'aria-label': 'Main' }, links.map(([href, text]) => h('a', { href }, text)));
    const search = h('input', { type: 'search', name: 'q', placeholder: 'Search titles…', 'aria-label': 'Search titles in every language', autocomplete: 'off' });
    const form = h('form', { class: 'search', role: 'search', action: '/library' }, search);
    form.addEventListener('submit', event => {
      event.preventDefault();
      const text = search.value.trim();
      import('app/router.js').then(router => router.navigate('/library' + (text ? '?q=' + encodeURIComponent(text) : '')));
    });
    this.job = h('div', { class: 'job', role: 'status', 'aria-live': 'polite', hidden: true });
    const name = this.me.credential === 'open' ? 'Open install' : this.me.username;
    const menu = h('details', { class: 'user-menu' },
      h('summary', { 'aria-label': `Account: ${name}` }, h('span', { class: 'avatar', 'aria-hidden': 'true' }, (name || '?')[0].toUpperCase()), h('span', { class: 'user-name' }, name)),
      h('div', { class: 'menu' },
        h('p', { class: 'muted' }, this.me.credential === 'open' ? 'No users yet: anyone on this machine is the admin.' : `Signed in as ${this.me.username} (${this.me.role})`),
        h('a', { href: '/settings' }, 'Settings'),
        this.me.credential === 'open' ? h('a', { href: '/login' }, 'Create the first admin') : h('button', { type: 'button', class: 'link', onclick: () => this.signOut() }, 'Sign out')));
    menu.addEventListener('focusout', event => { if (!menu.contains(event.relatedTarget)) menu.open = false; });
    replace(this.element,
      h('a', { class: 'brand', href: '/' }, h('img', { src: '/favicon.svg', alt: '', width: 24, height: 24 }), 'Anikura'),
      this.nav, form, this.job, menu);
    this.search = search;
  }

  /** Marks the current page in the navigation and fills the search box on the library page. */
  update(path) {
    if (!this.nav) return;
    for (const link of this.nav.querySelectorAll('a')) {
      const here = link.getAttribute('href') === '/' ? path === '/' : path.startsWith(link.getAttribute('href'));
      if (here) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    }
    if (path === '/library') this.search.value = new URLSearchParams(location.search).get('q') || '';
  }

  async signOut() {
    await api.post('/api/auth/logout').catch(() => {});
    location.assign('/login');
  }

  async findRunningJob() {
    const { jobs } = await api.jobs().catch(() => ({ jobs: [] }));
    const running = jobs.find(job => job.state === 'running' || job.state === 'queued');
    if (running) this.follow(running);
  }

  /** Shows a job's progress live (Server-Sent Events) until it ends; `onDone` runs with its last state. */
  follow(job, onDone) {
    if (this.source) this.source.close();
    this.show(job);
    const source = new EventSource(`/api/jobs/${job.id}/events`);
    this.source = source;
    const update = event => {
      const snapshot = JSON.parse(event.data);
      this.show(snapshot);
      if (snapshot.state === 'done' || snapshot.state === 'failed') {
        source.close();
        if (onDone) onDone(snapshot);
        setTimeout(() => { if (this.source === source) this.job.hidden = true; }, 6000);
      }
    };
    for (const name of ['queued', 'running', 'done', 'failed']) source.addEventListener(name, update);
    source.onerror = () => source.close();
  }

  show(job) {
    const name = { scan: 'Scanning', match: 'Matching', seedImport: 'Importing' }[job.kind] || job.kind;
    const progress = job.progress;
    let text = `${name}…`;
    if (job.state === 'done') text = `${name} done`;
    else if (job.state === 'failed') text = `${name} failed: ${job.error || ''}`;
    else if (progress && progress.total) text = `${name}: ${progress.done} of ${progress.total}`;
    else if (progress) text = `${name}: ${progress.phase} ${progress.done}`;
    const bar = h('progress', { max: progress?.total || 1, value: job.state === 'done' ? 1 : (progress?.total ? progress.done : undefined), 'aria-hidden': 'true' });
    replace(this.job, h('span', {}, text), bar);
    this.job.dataset.state = job.state;
    this.job.hidden = false;
  }
}
