// The player: hls.js (native HLS where hls.js cannot run), resume offer, audio and subtitle menus, keyboard
// shortcuts, watch state sent as it plays, and the next episode at the end with a countdown that can be cancelled.
import Hls from 'hls';
import { api } from 'app/api.js';
import { h, replace, clock, title } from 'app/dom.js';
import { navigate } from 'app/router.js';

export async function render(main, { args, params }) {
  const fileId = args[0];
  const errors = [];
  const video = h('video', { id: 'video', controls: true, playsinline: true, preload: 'auto' });
  const status = h('p', { id: 'status', class: 'muted', role: 'status' }, 'Loading…');
  const audioSelect = h('select', { id: 'audio' });
  const subtitleSelect = h('select', { id: 'subtitles' }, h('option', { value: -1 }, 'Off'));
  const burn = h('select', { id: 'burn' }, h('option', { value: '' }, 'None'));
  const transcode = h('input', { id: 'transcode', type: 'checkbox', checked: params.get('transcode') === '1' });
  const resumeText = h('span', { id: 'resume-text' });
  const resumeYes = h('button', { id: 'resume-yes', type: 'button', class: 'primary' }, 'Resume');
  const resumeNo = h('button', { id: 'resume-no', type: 'button' }, 'Start over');
  const resume = h('div', { id: 'resume', class: 'resume', hidden: true, role: 'group', 'aria-label': 'Resume playback' }, resumeText, resumeYes, resumeNo);
  const upNext = h('div', { id: 'up-next', class: 'up-next', hidden: true, role: 'alertdialog', 'aria-live': 'assertive' });
  const heading = h('h1', { id: 'watch-title' }, 'Player');
  const subheading = h('p', { id: 'watch-episode', class: 'muted' });
  const say = (text, isError) => { status.textContent = text; status.className = isError ? 'error' : 'muted'; };

  replace(main, h('div', { class: 'watch' },
    h('div', { class: 'watch-head' }, h('div', {}, heading, subheading)),
    resume, h('div', { class: 'video-frame' }, video, upNext),
    h('div', { class: 'player-bar' },
      h('label', {}, 'Audio ', audioSelect), h('label', {}, 'Subtitles ', subtitleSelect),
      h('label', {}, 'Burn in ', burn), h('label', {}, transcode, ' Always transcode'),
      h('span', { class: 'muted keys' }, 'Keys: space play/pause · ← → 10 s · f full screen · m mute')),
    status));

  const context = await api.get(`/api/watch/${fileId}`).catch(() => null);
  if (context) {
    title(context.seriesTitle ? `${context.seriesTitle} ${context.episode ? '– ' + context.episode : ''}` : context.name);
    replace(heading, context.aid ? h('a', { href: `/series/${context.aid}` }, context.seriesTitle || context.name) : context.seriesTitle || context.name);
    subheading.textContent = [context.episode ? `Episode ${context.episode}` : null, context.episodeTitle].filter(Boolean).join(' — ') || context.name;
  }

  const query = new URLSearchParams();
  if (params.get('transcode') === '1') query.set('transcode', '1');
  if (params.get('burn')) query.set('burn', params.get('burn'));
  let ticket;
  try {
    ticket = await api.stream(fileId, query.toString());
  } catch (error) {
    say(error.message, true);
    return;
  }
  const info = ticket.info, v = info.video;
  say(`${ticket.mode}: ${v.codec} ${v.bitDepth}-bit ${v.width}×${v.height} → ${ticket.video}; ${info.audio.length} audio, ` +
      `${info.subtitles.filter(s => s.isText).length} text subtitle track(s); ${clock(info.duration)}`);
  const duration = info.duration;
  info.subtitles.forEach((s, i) => { if (s.isText) burn.append(h('option', { value: i }, `${s.language || ''} ${s.title || s.codec}`.trim())); });
  burn.value = params.get('burn') || '';

  // Watch state: sent every 10 s while playing, on pause, and as the page is left.
  let lastSent = -1;
  const progressURL = `/api/me/progress/${fileId}`;
  const report = () => JSON.stringify({ position: video.currentTime, duration });
  const sendProgress = () => {
    if (!duration || !(video.currentTime > 0) || Math.abs(video.currentTime - lastSent) < 0.5) return;
    lastSent = video.currentTime;
    fetch(progressURL, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: report() }).catch(() => {});
  };
  // A page being left may not finish a fetch; a beacon (always POST) is delivered after it is gone.
  const beacon = () => { if (duration && video.currentTime > 0) navigator.sendBeacon(progressURL, new Blob([report()], { type: 'application/json' })); };
  const timer = setInterval(() => { if (!video.paused) sendProgress(); }, 10000);
  video.addEventListener('pause', sendProgress);
  const hidden = () => { if (document.visibilityState === 'hidden') beacon(); };
  addEventListener('pagehide', beacon);
  document.addEventListener('visibilitychange', hidden);

  // Asked before playback starts: with a place to resume, the page waits for the choice instead of playing from 0.
  const holdForChoice = await offerResume();
  async function offerResume() {
    const progress = await api.progress(fileId).catch(() => null);
    if (!progress || progress.position < 5 || progress.watched || progress.position > duration - 10) return false;
    resume.dataset.position = progress.position;
    resumeText.textContent = `You stopped at ${clock(progress.position)}.`;
    resume.hidden = false;
    resumeYes.onclick = () => { video.currentTime = progress.position; resume.hidden = true; video.play().catch(() => {}); };
    resumeNo.onclick = () => { video.currentTime = 0; resume.hidden = true; video.play().catch(() => {}); };
    resumeYes.focus({ preventScroll: true });
    return true;
  }

  let hls = null;
  if (Hls.isSupported()) {
    hls = new Hls({ maxBufferLength: 30, enableWebVTT: true, renderTextTracksNatively: true });
    hls.on(Hls.Events.ERROR, (_, data) => {
      if (data.fatal) { errors.push(`${data.type}: ${data.details}`); say(`Playback error: ${data.details}`, true); }
    });
    // The menus follow hls.js's track lists, which it fills after the manifest (and again on a change).
    const audioMenu = () => {
      replace(audioSelect, hls.audioTracks.map((t, i) => h('option', { value: i }, t.name || t.lang || `Track ${i + 1}`)));
      audioSelect.value = hls.audioTrack;
    };
    const subtitleMenu = () => replace(subtitleSelect, h('option', { value: -1 }, 'Off'),
      hls.subtitleTracks.map((t, i) => h('option', { value: i }, t.name || t.lang || `Track ${i + 1}`)));
    hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, audioMenu);
    hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, subtitleMenu);
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      audioMenu();
      subtitleMenu();
      if (!holdForChoice) video.play().catch(() => {});
    });
    hls.loadSource(ticket.url);
    hls.attachMedia(video);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = ticket.url;  // native HLS (Safari): its own track menus
    if (!holdForChoice) video.play().catch(() => {});
  } else {
    say('This browser cannot play HLS.', true);
  }
  audioSelect.addEventListener('change', () => { if (hls) hls.audioTrack = Number(audioSelect.value); });
  subtitleSelect.addEventListener('change', () => {
    if (!hls) return;
    hls.subtitleTrack = Number(subtitleSelect.value);
    hls.subtitleDisplay = hls.subtitleTrack >= 0;
  });
  const reload = () => {
    const next = new URLSearchParams();
    if (transcode.checked) next.set('transcode', '1');
    if (burn.value !== '') next.set('burn', burn.value);
    navigate(`/watch/${fileId}` + (next.size ? '?' + next : ''), { replace: true });
  };
  transcode.addEventListener('change', reload);
  burn.addEventListener('change', reload);
  video.addEventListener('error', () => { errors.push('media error ' + (video.error && video.error.code)); say('Media error', true); });

  // Keyboard: space, ←/→ 10 s, f, m — unless typing in a field or using a menu.
  const keys = event => {
    if (event.target.closest('input, select, textarea, button') || event.metaKey || event.ctrlKey || event.altKey) return;
    const actions = {
      ' ': () => (video.paused ? video.play() : video.pause()),
      k: () => (video.paused ? video.play() : video.pause()),
      ArrowLeft: () => { video.currentTime = Math.max(0, video.currentTime - 10); },
      ArrowRight: () => { video.currentTime = Math.min(video.duration || Infinity, video.currentTime + 10); },
      f: () => (document.fullscreenElement ? document.exitFullscreen() : video.parentElement.requestFullscreen()),
      m: () => { video.muted = !video.muted; },
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    Promise.resolve(action()).catch(() => {});
  };
  document.addEventListener('keydown', keys);

  // Next episode: at the end, a 10 s countdown; Cancel stays here.
  let countdown = 0;
  video.addEventListener('ended', () => {
    sendProgress();
    const next = context?.next;
    if (!next) return;
    let left = 10;
    const cancel = h('button', { type: 'button', id: 'up-next-cancel' }, 'Cancel');
    const go = h('a', { class: 'button primary', href: `/watch/${next.fileId}`, id: 'up-next-play' }, 'Play now');
    const text = h('span', { id: 'up-next-text' });
    const tick = () => { text.textContent = `Episode ${next.episode}${next.title ? ' — ' + next.title : ''} starts in ${left} s`; };
    tick();
    replace(upNext, h('b', {}, 'Up next'), text, h('div', { class: 'actions' }, go, cancel));
    upNext.hidden = false;
    cancel.onclick = () => { clearInterval(countdown); upNext.hidden = true; video.focus(); };
    go.focus();
    countdown = setInterval(() => {
      left -= 1;
      tick();
      if (left <= 0) { clearInterval(countdown); navigate(`/watch/${next.fileId}`); }
    }, 1000);
  });

  if (params.get('selftest') === '1') selfTest(video, () => hls, errors, say);

  return () => {
    sendProgress();
    clearInterval(timer);
    clearInterval(countdown);
    removeEventListener('pagehide', beacon);
    document.removeEventListener('visibilitychange', hidden);
    document.removeEventListener('keydown', keys);
    if (hls) hls.destroy();
  };
}

/// ?selftest=1: play, check time advances, seek to 60 %, check it lands and plays on, report. The test suite
/// runs this in headless Chromium; it is also a quick "does playback work here?" check for a person.
async function selfTest(video, hlsOf, errors, say) {
  const result = { started: false, advanced: false, seekTarget: null, seekLanded: false, continued: false,
                   audioTracks: 0, subtitleTracks: 0, cues: 0, errors };
  const until = (check, ms) => new Promise(resolve => {
    const t0 = performance.now();
    const tick = () => { if (check()) resolve(true); else if (performance.now() - t0 > ms) resolve(false); else setTimeout(tick, 50); };
    tick();
  });
  const t0 = performance.now();
  result.started = await until(() => video.currentTime > 0 && !video.paused, 30000);
  result.startMs = Math.round(performance.now() - t0);
  const first = video.currentTime;
  result.advanced = await until(() => video.currentTime > first + 1, 20000);
  result.seekTarget = Math.floor(video.duration * 0.6);
  const t1 = performance.now();
  video.currentTime = result.seekTarget;
  result.seekLanded = await until(() => !video.seeking && Math.abs(video.currentTime - result.seekTarget) < 2, 20000);
  result.seekMs = Math.round(performance.now() - t1);
  const landed = video.currentTime;
  result.continued = await until(() => video.currentTime > landed + 1, 20000);
  const hls = hlsOf();
  if (hls) {
    result.audioTracks = hls.audioTracks.length;
    result.subtitleTracks = hls.subtitleTracks.length;
    if (hls.subtitleTracks.length) {
      hls.subtitleTrack = 0; hls.subtitleDisplay = true;
      video.currentTime = 1;
      await until(() => [...video.textTracks].some(t => t.cues && t.cues.length > 0), 20000);
      result.cues = Math.max(0, ...[...video.textTracks].map(t => (t.cues ? t.cues.length : 0)));
    }
  }
  say('Self-test: ' + JSON.stringify(result), errors.length > 0);
  console.log('ANIKURA-PLAYER-TEST ' + JSON.stringify(result));
}
