// The player's keys: space or k play/pause, ← → 10 s, f full screen, m mute, s skip the chapter — unless the
// viewer is typing in a field or using a menu. Returns the function that removes them.
export function playerKeys(video, { skip }) {
  const actions = {
    ' ': () => (video.paused ? video.play() : video.pause()),
    k: () => (video.paused ? video.play() : video.pause()),
    ArrowLeft: () => { video.currentTime = Math.max(0, video.currentTime - 10); },
    ArrowRight: () => { video.currentTime = Math.min(video.duration || Infinity, video.currentTime + 10); },
    f: () => (document.fullscreenElement ? document.exitFullscreen() : video.parentElement.requestFullscreen()),
    m: () => { video.muted = !video.muted; },
    s: skip,
  };
  const keys = event => {
    if (event.target.closest('input, select, textarea, button') || event.metaKey || event.ctrlKey || event.altKey) return;
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    Promise.resolve(action()).catch(() => {});
  };
  document.addEventListener('keydown', keys);
  return () => document.removeEventListener('keydown', keys);
}
