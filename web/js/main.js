// The app shell: who is signed in, the header, then the router picks the page's view.
import { api, ApiError } from 'app/api.js';
import { Header } from 'app/components/header.js';
import { start } from 'app/router.js';

async function who() {
  try {
    return await api.me();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

const me = await who().catch(() => null);
// Signing in and joining with an invitation are the pages for people without an account.
if (!me && location.pathname !== '/login' && !location.pathname.startsWith('/join/')) {
  location.replace('/login?next=' + encodeURIComponent(location.pathname + location.search));
} else {
  const header = new Header(document.getElementById('header'), me);
  await start({ me, header, isAdmin: me?.role === 'admin' });
}
