// The player: hls.js or the browser's own HLS player, resume offer, audio and subtitle menus, keyboard
// shortcuts, watch state sent as it plays, and the next episode at the end with a countdown that can be cancelled.
import Hls from 'hls';
import { api } from 'app/api.js';
import { h, replace, clock, title } from 'app/dom.js';
import { navigate } from 'app/router.js';
import { seekBar } from 'app/components/seek-bar.js';
import { chapterSkip } from 'app/components/chapter-skip.js';

const bitmapCodecs = ['hdmv_pgs_subtitle', 'dvd_subtitle', 'dvb_subtitle', 'xsub'];
const languageNames = new Intl.DisplayNames([navigator.language || 'en'], { type: 'language' });

/// `Japanese`, `English – Signs`, `Audio 2`: the same names the master playlist gives the renditions.
function trackName(track, i, kind) {
  let language = null;
  try { language = track.language && track.language !== 'und' ? languageNames.of(track.language) : null; } catch { language = track.language; }
  if (language && track.title) return `${language} – ${track.title}`;
  return language || track.title || `${kind} ${i + 1}`;
}

export async function render(main, { args, params }) {
  const fileId = args[0];
  const errors = [], warnings = [];
  // What the self-test is doing, to place hls.js's non-fatal errors (and, in its log, where a slow run is).
  const phase = {
    name: 'start',
    set(name) { this.name = name; console.log(`ANIKURA-PLAYER-PHASE ${name} at ${video.currentTime.toFixed(2)} s`); },
  };
  const video = h('video', { id: 'video', controls: true, playsinline: true, preload: 'auto' });
  const status = h('p', { id: 'status', class: 'muted', role: 'status' }, 'Loading…');
  const audioSelect = h('select', { id: 'audio' });
  const subtitleSelect = h('select', { id: 'subtitles' }, h('option', { value: -1 }, 'Off'));
  const burn = h('select', { id: 'burn' }, h('option', { value: 'none' }, 'None'));
  const playerSelect = h('select', { id: 'player' }, h('option', { value: 'auto' }, 'Automatic'),
    h('option', { value: 'hlsjs' }, 'hls.js'), h('option', { value: 'native' }, 'Built-in'));
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
      h('label', { title: 'Styled subtitles drawn into the picture with their fonts and typesetting (transcodes)' }, 'Burn in ', burn), h('label', {}, transcode, ' Always transcode'),
      h('label', { title: 'hls.js, or the browser’s own HLS player (Safari, iOS, recent Chromium)' }, 'Player ', playerSelect),
      h('span', { class: 'muted keys' }, 'Keys: space play/pause · ← → 10 s · s skip · f full screen · m mute')),
    status));

  const [context, prefs] = await Promise.all([api.get(`/api/watch/${fileId}`).catch(() => null), api.preferences().catch(() => null)]);
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
  // The seek bar with previews, under the picture (the built-in controls' bar cannot show pictures).
  const streamBase = ticket.url.slice(0, ticket.url.indexOf('master.m3u8'));
  const seek = seekBar(video, { duration, trackURL: `${streamBase}trickplay/index.vtt` });
  main.querySelector('.video-frame').after(seek.element);
  // Text subtitles are drawn with libass (with the file's fonts); pictures (PGS, VobSub, DVB) are laid over the video.
  info.subtitles.forEach((s, i) => {
    const name = s.isText ? ticket.subtitleNames[i] : `${trackName(s, i, 'Subtitles')} (picture)`;
    if (s.isText || bitmapCodecs.includes(s.codec)) burn.append(h('option', { value: i }, name));
  });
  burn.value = ticket.defaults.burn ?? 'none';
  // The subtitle track the viewer's languages chose, as a position among the text tracks (the menus' order).
  const textPositions = info.subtitles.map((s, i) => (s.isText ? i : -1)).filter(i => i >= 0);
  const defaultSubtitle = textPositions.indexOf(ticket.defaults.subtitle ?? -2);
  // Once, as soon as the engine lists the tracks (hls.js does so after the manifest is parsed).
  let subtitleChosen = false;
  const chooseDefaultSubtitle = () => {
    if (subtitleChosen || defaultSubtitle < 0 || !engine || engine.subtitleTracks().length <= defaultSubtitle) return;
    subtitleChosen = true;
    engine.setSubtitle(defaultSubtitle);
    subtitleSelect.value = defaultSubtitle;
  };

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

  // Two engines behind one set of menus: hls.js (Media Source Extensions), or the browser's own HLS player
  // (Safari, iOS, Chromium 141+), chosen by ?player=, the Player menu, or what the browser can do.
  const choice = params.get('player') || localStorage.getItem('anikura.player') || 'auto';
  playerSelect.value = ['auto', 'hlsjs', 'native'].includes(choice) ? choice : 'auto';
  const canNative = video.canPlayType('application/vnd.apple.mpegurl') !== '';
  const useNative = choice === 'native' ? canNative : choice === 'hlsjs' ? false : !Hls.isSupported() && canNative;
  let hls = null;
  let engine = null;
  if (!useNative && Hls.isSupported()) {
    engine = hlsEngine();
  } else if (canNative) {
    engine = nativeEngine();
  } else {
    say('This browser cannot play HLS.', true);
  }
  const audioMenu = () => {
    replace(audioSelect, engine.audioTracks().map((name, i) => h('option', { value: i }, name)));
    audioSelect.value = engine.audioTrack();
  };
  // Rebuilt when the engine's list changes, keeping the track being shown selected.
  const subtitleMenu = () => {
    replace(subtitleSelect, h('option', { value: -1 }, 'Off'), engine.subtitleTracks().map((name, i) => h('option', { value: i }, name)));
    subtitleSelect.value = engine.subtitleTrack();
  };
  if (engine) engine.start();

  function hlsEngine() {
    hls = new Hls({ maxBufferLength: 30, enableWebVTT: true, renderTextTracksNatively: true });
    hls.on(Hls.Events.ERROR, (_, data) => {
      if (data.fatal) { errors.push(`${data.type}: ${data.details}`); say(`Playback error: ${data.details}`, true); }
      else warnings.push({ phase: phase.name, details: data.details });
    });
    const name = (t, i) => t.name || t.lang || `Track ${i + 1}`;
    return {
      kind: 'hls.js',
      start() {
        // The menus follow hls.js's track lists, which it fills after the manifest (and again on a change).
        hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, audioMenu);
        hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, () => { audioSelect.value = hls.audioTrack; });
        hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => { subtitleMenu(); chooseDefaultSubtitle(); });
        hls.on(Hls.Events.MANIFEST_PARSED, () => {
          audioMenu();
          subtitleMenu();
          chooseDefaultSubtitle();
          if (!holdForChoice) video.play().catch(() => {});
        });
        hls.loadSource(ticket.url);
        hls.attachMedia(video);
      },
      audioTracks: () => hls.audioTracks.map(name),
      audioTrack: () => hls.audioTrack,
      setAudio(i) { hls.audioTrack = i; },
      subtitleTracks: () => hls.subtitleTracks.map(name),
      subtitleTrack: () => (hls.subtitleDisplay ? hls.subtitleTrack : -1),
      setSubtitle(i) { hls.subtitleTrack = i; hls.subtitleDisplay = i >= 0; },
    };
  }

  // The browser's own player. Where it lists the stream's audio and subtitle renditions itself (Safari), they are
  // used; where it does not (Chromium), another audio track is the same stream with that track as the default,
  // resumed where it was, and subtitles are the track's whole WebVTT added as a <track>.
  function nativeEngine() {
    const base = ticket.url.slice(0, ticket.url.indexOf('master.m3u8'));
    const audio = info.audio.map((a, i) => trackName(a, i, 'Audio'));
    const texts = info.subtitles.map((s, i) => ({ s, i })).filter(({ s }) => s.isText);
    let audioIndex = Number(new URL(ticket.url, location.href).searchParams.get('audio') ?? info.audio.findIndex(a => a.isDefault));
    if (!(audioIndex >= 0)) audioIndex = 0;
    const ownTracks = texts.map(({ s, i }) => {
      const track = h('track', { kind: 'subtitles', src: `${base}s${i}/full.vtt`, label: ticket.subtitleNames[i] });
      if (s.language) track.srclang = s.language;
      return track;
    });
    const platformText = () => [...video.textTracks].filter(t => !ownTracks.some(o => o.track === t));
    // The track the viewer chose (-1: none). Chromium turns on tracks of the browser's language by itself as they
    // load; every change is brought back to the choice.
    let shownSubtitle = -1;
    const applySubtitle = () => {
      const list = platformText().length ? platformText() : ownTracks.map(t => t.track);
      list.forEach((t, n) => { const mode = n === shownSubtitle ? 'showing' : 'disabled'; if (t.mode !== mode) t.mode = mode; });
    };
    video.textTracks.addEventListener('change', applySubtitle);
    const streamURL = () => {
      const url = new URL(ticket.url, location.href);
      url.searchParams.set('audio', audioIndex);
      return url.pathname + url.search;
    };
    return {
      kind: 'native',
      start() {
        video.src = streamURL();
        video.addEventListener('loadedmetadata', () => {
          // Safari shows the subtitle renditions itself; only a player without them gets our <track>s.
          if (!platformText().length && !video.querySelector('track')) video.append(...ownTracks);
          audioMenu();
          subtitleMenu();
          chooseDefaultSubtitle();
        }, { once: true });
        audioMenu();
        subtitleMenu();
        if (!holdForChoice) video.play().catch(() => {});
      },
      audioTracks: () => audio,
      audioTrack: () => audioIndex,
      setAudio(i) {
        if (i === audioIndex) return;
        audioIndex = i;
        const list = video.audioTracks;
        if (list && list.length === audio.length) {
          for (let n = 0; n < list.length; n++) list[n].enabled = n === i;
          return;
        }
        const at = video.currentTime, paused = video.paused;
        video.src = streamURL();
        video.addEventListener('loadedmetadata', () => {
          video.currentTime = at;
          if (!paused) video.play().catch(() => {});
        }, { once: true });
      },
      subtitleTracks: () => texts.map(({ i }) => ticket.subtitleNames[i]),
      subtitleTrack: () => {
        const list = platformText().length ? platformText() : ownTracks.map(t => t.track);
        return list.findIndex(t => t.mode === 'showing');
      },
      setSubtitle(i) {
        shownSubtitle = i;
        applySubtitle();
      },
    };
  }

  audioSelect.addEventListener('change', () => engine?.setAudio(Number(audioSelect.value)));
  subtitleSelect.addEventListener('change', () => engine?.setSubtitle(Number(subtitleSelect.value)));
  playerSelect.addEventListener('change', () => {
    localStorage.setItem('anikura.player', playerSelect.value);
    const next = new URLSearchParams(location.search);
    next.delete('player');
    navigate(`/watch/${fileId}` + (next.size ? '?' + next : ''), { replace: true });
  });
  const reload = () => {
    const next = new URLSearchParams();
    if (transcode.checked) next.set('transcode', '1');
    next.set('burn', burn.value);
    if (params.get('player')) next.set('player', params.get('player'));
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
      s: () => skipper.skipNow(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    Promise.resolve(action()).catch(() => {});
  };
  document.addEventListener('keydown', keys);

  // Next episode: at the end, a 10 s countdown; Cancel stays here.
  let countdown = 0;
  const upNextOffer = () => {
    sendProgress();
    const next = context?.next;
    if (!next || !upNext.hidden) return;
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
  };
  video.addEventListener('ended', upNextOffer);
  // Chapter marks and the skip button; a skip past the last chapter is the end of the episode.
  const skipper = chapterSkip(video, {
    chapters: context?.chapters || [], duration, track: seek.track, frame: main.querySelector('.video-frame'),
    mode: prefs?.skip || 'ask', firstEpisode: Number(context?.episode) === 1, toEnd: upNextOffer,
  });

  if (params.get('selftest') === '1' && engine) selfTest(video, engine, ticket, { errors, warnings, phase }, say, params, seek);

  return () => {
    sendProgress();
    clearInterval(timer);
    clearInterval(countdown);
    removeEventListener('pagehide', beacon);
    document.removeEventListener('visibilitychange', hidden);
    document.removeEventListener('keydown', keys);
    if (hls) hls.destroy();
    seek.stop();
    skipper.stop();
  };
}

/// ?selftest=1: what the test suite checks in headless Chromium, with either engine (?player=hlsjs|native), and a
/// quick "does playback work here?" for a person: plays 5 s and across the first segment boundary, seeks to the
/// middle and plays on, switches to the second audio track and plays on, then shows the first subtitle track and
/// reads the cue showing at ?cue= seconds. Reports frames decoded and hls.js's non-fatal errors too.
async function selfTest(video, engine, ticket, { errors, warnings, phase }, say, params, seek) {
  const result = { engine: engine.kind, started: false, advanced: false, crossedBoundary: false, seekTarget: null,
                   seekLanded: false, continued: false, audioTracks: 0, audioSwitched: null, subtitleTracks: 0,
                   cues: 0, activeCue: null, errors, warnings };
  const until = (check, ms) => new Promise(resolve => {
    const t0 = performance.now();
    const tick = () => { if (check()) resolve(true); else if (performance.now() - t0 > ms) resolve(false); else setTimeout(tick, 50); };
    tick();
  });
  const playsOn = async () => { const from = video.currentTime; return until(() => video.currentTime > from + 1 && !video.paused, 20000); };
  // Where the first segment ends, from the video playlist.
  const base = ticket.url.slice(0, ticket.url.indexOf('master.m3u8'));
  const playlist = await (await fetch(`${base}${ticket.video}/index.m3u8`)).text();
  const boundary = Number((playlist.match(/#EXTINF:([0-9.]+)/) || [0, 0])[1]);
  const t0 = performance.now();
  result.started = await until(() => video.currentTime > 0 && !video.paused, 30000);
  result.startMs = Math.round(performance.now() - t0);
  const first = video.currentTime;
  result.advanced = await until(() => video.currentTime > first + 5, 30000);
  result.boundary = boundary;
  result.crossedBoundary = await until(() => video.currentTime > boundary + 0.5, 30000);
  phase.set('seek');
  result.seekTarget = Math.floor(video.duration / 2);
  const t1 = performance.now();
  video.currentTime = result.seekTarget;
  result.seekLanded = await until(() => !video.seeking && Math.abs(video.currentTime - result.seekTarget) < 2, 20000);
  result.seekMs = Math.round(performance.now() - t1);
  result.continued = await playsOn();
  result.audioTracks = engine.audioTracks().length;
  if (result.audioTracks > 1) {
    phase.set('audio-switch');
    const before = video.currentTime;
    engine.setAudio(1);
    const fetched = () => performance.getEntriesByType('resource').some(e => /\/a1\/[0-9]+\.ts/.test(e.name));
    result.audioSwitched = engine.audioTrack() === 1 && await until(fetched, 20000)
      && await until(() => !video.seeking && video.currentTime > 0, 20000) && await playsOn()
      && Math.abs(video.currentTime - before) < 10;
  }
  result.subtitleTracks = engine.subtitleTracks().length;
  if (result.subtitleTracks) {
    phase.set('subtitles');
    engine.setSubtitle(0);
    const at = Number(params.get('cue') || 3);
    // Paused at the cue's time, so nothing can carry playback past it; asked again if a player puts it elsewhere
    // (hls.js may restore the position it had before an audio switch).
    video.pause();
    const showing = () => [...video.textTracks].find(t => t.mode === 'showing');
    let lastSeek = 0;
    await until(() => {
      if (Math.abs(video.currentTime - at) > 0.5 && performance.now() - lastSeek > 2000) {
        video.currentTime = at;
        lastSeek = performance.now();
      }
      return !video.seeking && Math.abs(video.currentTime - at) <= 0.5 && showing()?.activeCues?.length > 0;
    }, 30000);
    result.cues = showing()?.cues?.length || 0;
    result.activeCue = showing()?.activeCues?.[0]?.text ?? null;
  }
  phase.set('previews');
  // Seek previews: wait for the track, then point at 30 % of the bar as a dragging user would.
  await until(() => seek.previews().length > 0, 30000);
  result.previews = seek.previews().length;
  if (result.previews) {
    const bar = document.getElementById('seekbar');
    bar.value = Math.floor(video.duration * 0.3);
    bar.dispatchEvent(new Event('input'));
    const picture = document.getElementById('seek-picture');
    result.preview = { shown: !document.getElementById('seek-preview').hidden, cue: picture.dataset.cue, width: picture.offsetWidth };
    const image = new Image();
    image.src = seek.previews()[0].url;
    result.preview.sheetLoaded = await image.decode().then(() => image.naturalWidth > 0, () => false);
    bar.dispatchEvent(new Event('blur'));
  }
  const quality = video.getVideoPlaybackQuality();
  result.videoWidth = video.videoWidth;
  result.videoHeight = video.videoHeight;
  result.framesDecoded = quality.totalVideoFrames;
  result.framesDropped = quality.droppedVideoFrames;
  say('Self-test: ' + JSON.stringify(result), errors.length > 0);
  console.log('ANIKURA-PLAYER-TEST ' + JSON.stringify(result));
}
