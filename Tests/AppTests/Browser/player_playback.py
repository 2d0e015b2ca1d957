#!/usr/bin/python3
"""Playback in the player page, driven and watched from outside as a person and their browser's developer tools
would: plays 5 s and across the first segment boundary, seeks to the middle and plays on, picks the second audio
track in the Audio menu and plays on, picks the first subtitle track in the Subtitles menu and reads the cue showing
at CUE seconds, points at 30 % of the seek bar for a preview picture. What it reads: the <video> element, the menus,
the status line, the page's network requests (the Resource Timing entries) and its console (hls.js's non-fatal
errors are logged there as warnings).

Usage: player_playback.py BASE_URL FILE_ID ENGINE(hlsjs|native) CUE_SECONDS
Prints one JSON object with what it saw (see PlayerPageTests), or {"failure": reason}.
"""
import re
import sys
import time

from browser_kit import observe
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

base, file_id, engine, cue_time = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
VIDEO = "const v = document.getElementById('video');"


def until(check, seconds):
    """Polls `check` every 50 ms; True as soon as it holds, False after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def choose(driver, menu, value):
    """Picks `value` in the <select> `menu` as a person would; an engine may rebuild the options while the pick is
    under way (the list of tracks arriving), and then the pick is made again on the new options."""
    for _ in range(20):
        try:
            select = Select(driver.find_element(By.ID, menu))
            select.select_by_value(value)
            if select.first_selected_option.get_attribute("value") == value:
                return True
        except StaleElementReferenceException:
            pass
        time.sleep(0.1)
    return False


def main(driver):
    result = {"started": False, "advanced": False, "crossedBoundary": False, "seekTarget": None, "seekLanded": False,
              "continued": False, "audioTracks": 0, "audioSwitched": None, "subtitleTracks": 0, "cues": 0,
              "activeCue": None}
    js = driver.execute_script
    video = lambda what: js(VIDEO + "return " + what)
    t0 = time.monotonic()
    driver.get(f"{base}/watch/{file_id}?player={engine}")
    result["started"] = until(lambda: video("v && v.currentTime > 0 && !v.paused"), 30)
    result["startMs"] = round((time.monotonic() - t0) * 1000)
    result["engine"] = video("v.dataset.engine")
    # Where the first segment ends: the video playlist the page loaded, as its network shows.
    playlists = js("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('/index.m3u8'))")
    video_playlist = next((p for p in playlists if not re.search(r"/(a|s)[0-9]+/index\.m3u8$", p)), None)
    text = driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done, () => done(''));",
        video_playlist) if video_playlist else ""
    boundary = float((re.search(r"#EXTINF:([0-9.]+)", text) or [0, 0])[1])
    result["boundary"] = boundary
    first = video("v.currentTime")
    result["advanced"] = until(lambda: video("v.currentTime") > first + 5, 30)
    result["crossedBoundary"] = until(lambda: video("v.currentTime") > boundary + 0.5, 30)

    def plays_on():
        start = video("v.currentTime")
        return until(lambda: video("v.currentTime") > start + 1 and not video("v.paused"), 20)

    # Seek to the middle, as the seek bar does.
    result["seekTarget"] = int(video("v.duration") // 2)
    t1 = time.monotonic()
    js(VIDEO + "v.currentTime = arguments[0]", result["seekTarget"])
    result["seekLanded"] = until(lambda: video(f"!v.seeking && Math.abs(v.currentTime - {result['seekTarget']}) < 2"), 20)
    result["seekMs"] = round((time.monotonic() - t1) * 1000)
    result["continued"] = plays_on()

    options = lambda menu: js("return document.getElementById(arguments[0]).options.length", menu)
    result["audioTracks"] = options("audio")
    if result["audioTracks"] > 1:
        before = video("v.currentTime")
        chosen = choose(driver, "audio", "1")
        fetched = lambda: js("return performance.getEntriesByType('resource').some(e => /\\/a1\\/[0-9]+\\.ts/.test(e.name))")
        result["audioSwitched"] = (chosen and until(fetched, 20) and until(lambda: video("!v.seeking && v.currentTime > 0"), 20)
                                   and plays_on() and abs(video("v.currentTime") - before) < 10)

    result["subtitleTracks"] = options("subtitles") - 1  # less "Off"
    if result["subtitleTracks"]:
        choose(driver, "subtitles", "0")
        # Paused at the cue's time, so nothing can carry playback past it; asked again if a player puts it elsewhere
        # (hls.js may restore the position it had before an audio switch).
        js(VIDEO + "v.pause()")
        showing = "[...v.textTracks].find(t => t.mode === 'showing')"
        last_seek = [0.0]

        def cue_showing():
            if abs(video("v.currentTime") - cue_time) > 0.5 and time.monotonic() - last_seek[0] > 2:
                js(VIDEO + "v.currentTime = arguments[0]", cue_time)
                last_seek[0] = time.monotonic()
            return video(f"!v.seeking && Math.abs(v.currentTime - {cue_time}) <= 0.5 && {showing}?.activeCues?.length > 0")

        until(cue_showing, 30)
        result["cues"] = video(f"{showing}?.cues?.length || 0")
        result["activeCue"] = video(f"{showing}?.activeCues?.[0]?.text ?? null")

    # Seek previews: once the thumbnails track is in, drag the bar to 30 % with the keyboard as a person would.
    until(lambda: js("return Number(document.querySelector('.seek-row')?.dataset.previews || 0) > 0"), 30)
    result["previews"] = js("return Number(document.querySelector('.seek-row')?.dataset.previews || 0)")
    if result["previews"]:
        bar = driver.find_element(By.ID, "seekbar")
        js("const bar = arguments[0]; bar.focus(); bar.value = Math.floor(arguments[1]); bar.dispatchEvent(new Event('input'));",
           bar, video("v.duration") * 0.3)
        preview = js("""const picture = document.getElementById('seek-picture');
            return {shown: !document.getElementById('seek-preview').hidden, cue: picture.dataset.cue, width: picture.offsetWidth,
                    image: (picture.style.backgroundImage.match(/url\\("(.*)"\\)/) || [])[1] || null};""")
        image = preview.pop("image")
        preview["sheetLoaded"] = bool(image) and driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; const i = new Image(); i.src = arguments[0];"
            "i.decode().then(() => done(i.naturalWidth > 0), () => done(false));", image)
        result["preview"] = preview
        js("arguments[0].blur()", bar)

    quality = js(VIDEO + "const q = v.getVideoPlaybackQuality(); return {w: v.videoWidth, h: v.videoHeight,"
                 " decoded: q.totalVideoFrames, dropped: q.droppedVideoFrames}")
    result.update(videoWidth=quality["w"], videoHeight=quality["h"], framesDecoded=quality["decoded"], framesDropped=quality["dropped"])
    # Fatal errors are what the page tells the viewer on its status line; non-fatal ones go to the console.
    status = driver.find_element(By.ID, "status")
    result["errors"] = [status.text] if "error" in (status.get_attribute("class") or "").split() else []
    result["warnings"] = [{"details": m.group(1)} for entry in driver.get_log("browser")
                          for m in [re.search(r"hls\.js non-fatal error: (\w+)", entry["message"])] if m]
    return result


observe(main)
