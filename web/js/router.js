// The browser-side router: the server answers every page path with the same shell; this picks the view.
import { replace, notice, title } from 'app/dom.js';

const routes = [
  [/^\/$/, 'home'],
  [/^\/login$/, 'login'],
  [/^\/library$/, 'library'],
  [/^\/series\/(\d+)$/, 'series'],
  [/^\/watch\/(\d+)$/, 'watch'],
  [/^\/attention$/, 'attention'],
  [/^\/mirror$/, 'mirror'],
  [/^\/settings$/, 'settings'],
  [/^\/franchises$/, 'franchises'],
  [/^\/join\/([A-Za-z0-9_-]{1,100})$/, 'join'],
];

let cleanup = null;
let context = null;

/** Starts routing: renders the current address and takes over same-origin link clicks. */
export function start(appContext) {
  context = appContext;
  document.addEventListener('click', event => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || link.target || link.hasAttribute('download') || url.pathname.startsWith('/api/')) return;
    if (!routes.some(([pattern]) => pattern.test(url.pathname))) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  addEventListener('popstate', () => render());
  return render();
}

/** Goes to a page without reloading. `replace` keeps the history entry (filters typed into a page). */
export function navigate(path, { replace: replaceEntry = false } = {}) {
  if (replaceEntry) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  return render();
}

async function render() {
  if (cleanup) { try { cleanup(); } catch { /* a view's cleanup must not stop the next one */ } cleanup = null; }
  const main = document.getElementById('main');
  const match = routes.map(([pattern, name]) => [location.pathname.match(pattern), name]).find(([m]) => m);
  context.header?.update(location.pathname);
  if (!match) {
    title('Not found');
    replace(main, notice('Page not found', 'There is nothing at this address.', linkHome()));
    return;
  }
  const [groups, name] = match;
  const view = await import(`app/views/${name}.js`);
  const params = new URLSearchParams(location.search);
  main.setAttribute('aria-busy', 'true');
  try {
    cleanup = (await view.render(main, { args: groups.slice(1), params, ...context })) || null;
  } catch (error) {
    title('Error');
    replace(main, notice(error.status === 403 ? 'Not allowed' : 'Something went wrong', error.message, linkHome()));
  } finally {
    main.removeAttribute('aria-busy');
  }
  if (!location.hash) window.scrollTo(0, 0);
}

function linkHome() {
  const a = document.createElement('a');
  a.href = '/';
  a.className = 'button';
  a.textContent = 'Go home';
  return a;
}
