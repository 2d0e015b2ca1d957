// The one API client: every view talks to the server through these functions.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'Anikura cannot be reached. Is the server running?');
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const message = (data && data.error && data.error.message) || `The server answered ${response.status}.`;
    if (response.status === 401 && !path.startsWith('/api/auth/')) signIn();
    throw new ApiError(response.status, message);
  }
  return data;
}

/** Off to the sign-in page, coming back here afterwards. */
export function signIn() {
  // The pages for people without an account stay where they are.
  if (location.pathname === '/login' || location.pathname.startsWith('/join/')) return;
  location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
}

export const api = {
  get: path => request('GET', path),
  post: (path, body) => request('POST', path, body ?? {}),
  put: (path, body) => request('PUT', path, body),
  delete: path => request('DELETE', path),

  me: () => request('GET', '/api/me'),
  shelf: () => request('GET', '/api/shelf'),
  series: aid => request('GET', `/api/series/${aid}`),
  search: (text, limit = 20) => request('GET', `/api/search?q=${encodeURIComponent(text)}&limit=${limit}`),
  continueWatching: () => request('GET', '/api/me/continue'),
  missingSequels: () => request('GET', '/api/library/missing-sequels'),
  // Kometa's /stats: the mirror's health in one object (fetching, budget, ban).
  stats: () => request('GET', '/stats'),
  mirrorStatus: () => request('GET', '/api/mirror/status'),
  attention: () => request('GET', '/api/attention'),
  stream: (fileId, query) => request('GET', `/api/stream/${fileId}${query ? '?' + query : ''}`),
  // Your languages, subtitle style and skip behaviour.
  preferences: () => request('GET', '/api/me/preferences'),
  setPreferences: change => request('PUT', '/api/me/preferences', change),
  // Invitations: what a code offers, and the account it makes (signed in at once).
  invite: code => request('GET', `/api/auth/invite/${encodeURIComponent(code)}`),
  register: (code, username, password) => request('POST', '/api/auth/register', { code, username, password }),
  progress: fileId => request('GET', `/api/me/progress/${fileId}`),
  file: fileId => request('GET', `/api/library/files/${fileId}`),
  setWatched: (fileId, watched) => request(watched ? 'POST' : 'DELETE', `/api/me/watched/${fileId}`),
  setSeriesWatched: (aid, watched) => request(watched ? 'POST' : 'DELETE', `/api/me/watched/series/${aid}`),
  matchFile: (fileId, aid, episode) => request('POST', `/api/matches/files/${fileId}`, { aid, episode: episode || undefined }),
  unmatchFile: fileId => request('DELETE', `/api/matches/files/${fileId}`),
  matchSeries: (seriesId, aid) => request('POST', `/api/matches/${seriesId}`, { aid }),
  // The community mapping: an anime's TVDB/TMDB place, an admin's correction of it, and undoing that.
  setAnimeMapping: (aid, place) => request('PUT', `/api/anime/${aid}/mapping`, place),
  clearAnimeMapping: aid => request('DELETE', `/api/anime/${aid}/mapping`),
  scan: () => request('POST', '/api/library/scan'),
  // Hand a missing anime to Sonarr (a TVDB series) or Radarr (a TMDB film).
  sendTo: (aid, program) => request('POST', `/api/anime/${aid}/${program}`, {}),
  jobs: () => request('GET', '/api/jobs'),
  posterURL: aid => `/api/images/anime/${aid}`,
};
