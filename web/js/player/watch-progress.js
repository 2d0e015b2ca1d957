// Watch state as the player plays: sent every 10 s while playing, on pause, and as the page is left (a beacon, which
// is delivered after the page is gone where a fetch may not finish).
export function watchProgress(video, fileId, duration) {
  const url = `/api/me/progress/${fileId}`;
  let lastSent = -1;
  const body = () => JSON.stringify({ position: video.currentTime, duration });
  const send = () => {
    if (!duration || !(video.currentTime > 0) || Math.abs(video.currentTime - lastSent) < 0.5) return;
    lastSent = video.currentTime;
    fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: body() }).catch(() => {});
  };
  const beacon = () => { if (duration && video.currentTime > 0) navigator.sendBeacon(url, new Blob([body()], { type: 'application/json' })); };
  const hidden = () => { if (document.visibilityState === 'hidden') beacon(); };
  const timer = setInterval(() => { if (!video.paused) send(); }, 10000);
  video.addEventListener('pause', send);
  addEventListener('pagehide', beacon);
  document.addEventListener('visibilitychange', hidden);
  return {
    send,
    stop() {
      send();
      clearInterval(timer);
      removeEventListener('pagehide', beacon);
      document.removeEventListener('visibilitychange', hidden);
    },
  };
}
