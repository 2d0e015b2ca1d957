// How the player names an audio or subtitle track when the server has not named it: the same names the master
// playlist gives the renditions (`Japanese`, `English – Signs`, `Audio 2`).
const languageNames = new Intl.DisplayNames([navigator.language || 'en'], { type: 'language' });

export function trackName(track, i, kind) {
  let language = null;
  try { language = track.language && track.language !== 'und' ? languageNames.of(track.language) : null; } catch { language = track.language; }
  if (language && track.title) return `${language} – ${track.title}`;
  return language || track.title || `${kind} ${i + 1}`;
}
