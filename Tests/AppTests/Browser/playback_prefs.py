#!/usr/bin/python3
"""The player as anime fans use it, in headless Chromium with hls.js and Chromium's own HLS player: the viewer's
languages set on /settings choose the starting tracks; chapter marks on the seek bar; "Skip opening" inside the
opening lands after it (button and key s); "Skip ending" lands on the preview; auto skips, except on a first episode;
the subtitle menu names full and signs tracks; a styled track burns in with the file's own font (a frame compared
with ffmpeg's rendering with and without that font); the video and its controls fit the window at 1280x720,
1280x900 and a phone's width, in light and dark.

Usage: playback_prefs.py BASE_URL SCREENSHOT_DIR FIRST_EPISODE_ID SECOND_EPISODE_ID FILE FILE_WITHOUT_FONT
Prints one JSON object: {"checks": N, "failures": [...]}.
"""
import subprocess
import sys

from browser_kit import Report, browser, viewport, waiting
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import Select

base, shots, first_id, second_id, media_file, bare_file = sys.argv[1:7]
report = Report()
check = report.check
console_errors = report.console_errors
# The sign's box in the 640x360 picture (MediaFixtures.signBox).
SIGN = (150, 40, 340, 120)


def put_preferences(driver, change):
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/me/preferences', {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(arguments[0])})"
        ".then(r => r.json()).then(done, e => done(String(e)));", change)


def video_time(driver):
    return driver.execute_script("return document.getElementById('video').currentTime")


def open_player(driver, file_id, engine, extra=""):
    driver.get(f"{base}/watch/{file_id}?player={engine}{extra}")
    wait = waiting(driver, 120)
    playing = "const v = document.getElementById('video'); return v && v.readyState >= 2 && v.currentTime > 0.2"
    # A place saved by an earlier step makes the page offer to resume: start over, as a person would.
    offered = "const r = document.getElementById('resume'); return r && !r.hidden"
    try:
        wait.until(lambda d: d.execute_script(playing) or d.execute_script(offered))
        if driver.execute_script(offered):
            driver.find_element(By.ID, "resume-no").click()
        wait.until(lambda d: d.execute_script(playing))
        return True
    except TimeoutException:
        status = driver.execute_script("return document.getElementById('status')?.textContent")
        check(False, f"{engine} {file_id}{extra}: never played ({status})")
        return False


def seek(driver, seconds):
    driver.execute_script("const v = document.getElementById('video'); v.currentTime = arguments[0]; v.play().catch(() => {});", seconds)


def skip_button(driver):
    return driver.execute_script(
        "const b = document.getElementById('skip-chapter'); return b && !b.hidden && getComputedStyle(b).display !== 'none' ? b.textContent : null")


def settings(driver):
    driver.get(f"{base}/settings")
    wait = waiting(driver)
    audio = wait.until(conditions.visibility_of_element_located((By.ID, "audio-languages")))
    subs = driver.find_element(By.ID, "subtitle-languages")
    audio.clear()
    audio.send_keys("klingon")
    driver.find_element(By.CSS_SELECTOR, "#playback-form button[type=submit]").click()
    message = driver.find_element(By.ID, "playback-message")
    wait.until(lambda d: message.text)
    check("not an ISO 639 language code" in message.text and "error" in message.get_attribute("class"),
          f"settings: a wrong language is refused clearly, not {message.text!r}")
    driver.save_screenshot(f"{shots}/playback-settings-error.png")
    audio.clear()
    audio.send_keys("ja")
    subs.clear()
    subs.send_keys("en")
    Select(driver.find_element(By.ID, "skip-mode")).select_by_value("ask")
    driver.find_element(By.CSS_SELECTOR, "#playback-form button[type=submit]").click()
    wait.until(lambda d: "Saved" in message.text)
    check(audio.get_attribute("value") == "jpn" and subs.get_attribute("value") == "eng",
          f"settings: codes shown as saved (jpn, eng), not {audio.get_attribute('value')!r}, {subs.get_attribute('value')!r}")
    summary = driver.find_element(By.ID, "playback-summary").text
    check("Japanese" in summary and "English" in summary, f"settings: the summary names the languages: {summary!r}")
    driver.execute_script("document.getElementById('playback').scrollIntoView()")
    driver.save_screenshot(f"{shots}/playback-settings.png")
    console_errors(driver, "/settings")


def fits(driver, label):
    box = driver.execute_script("""
        const r = s => document.querySelector(s)?.getBoundingClientRect();
        return {height: innerHeight, width: innerWidth, scrollWidth: document.documentElement.scrollWidth,
                video: r('#video').bottom, seek: r('#seekbar').bottom, menus: r('.player-bar label').bottom, top: scrollY};""")
    check(box["scrollWidth"] <= box["width"], f"{label}: nothing wider than the window ({box})")
    check(box["video"] <= box["height"] and box["seek"] <= box["height"], f"{label}: video and seek bar visible without scrolling ({box})")
    check(box["menus"] <= box["height"], f"{label}: the audio and subtitle menus visible without scrolling ({box})")


def gray_region(driver):
    """The sign's box of the frame on screen, as grey values (BT.601), at the video's own size."""
    return driver.execute_script("""
        const v = document.getElementById('video');
        const c = document.createElement('canvas');
        c.width = v.videoWidth; c.height = v.videoHeight;
        const g = c.getContext('2d');
        g.drawImage(v, 0, 0);
        const [x, y, w, h] = arguments[0].map((n, i) => Math.round(n * (i % 2 ? v.videoHeight / 360 : v.videoWidth / 640)));
        const d = g.getImageData(x, y, w, h).data;
        const out = [];
        for (let i = 0; i < d.length; i += 4) out.push(Math.round(0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]));
        return {width: v.videoWidth, height: v.videoHeight, w, h, values: out};""", list(SIGN))


def reference(path, width, height, seconds):
    x, y, w, h = [round(n * (height / 360 if i % 2 else width / 640)) for i, n in enumerate(SIGN)]
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-ss", str(seconds), "-frames:v", "1", "-vf",
                          f"subtitles=filename={path}:si=1,scale={width}:{height},crop={w}:{h}:{x}:{y},format=rgb24",
                          "-f", "rawvideo", "-"], capture_output=True, check=True).stdout
    return [round(0.299 * out[i] + 0.587 * out[i + 1] + 0.114 * out[i + 2]) for i in range(0, len(out), 3)]


def blocks(values, w, h, size=4):
    """4x4-pixel block means: a letter's shape counts, a pixel's worth of edge (compression, scaling) barely does."""
    out = []
    for by in range(0, h - size + 1, size):
        for bx in range(0, w - size + 1, size):
            out.append(sum(values[(by + j) * w + bx + i] for j in range(size) for i in range(size)) / (size * size))
    return out


def mean_difference(a, b):
    if len(a) != len(b) or not a:
        return float("inf")
    return sum(abs(p - q) for p, q in zip(a, b)) / len(a)


def player(driver, engine):
    if not open_player(driver, second_id, engine):
        return
    wait = waiting(driver)
    marks = driver.execute_script("return [...document.querySelectorAll('.chapter-mark')].map(m => m.dataset.kind)")
    check(marks == ["opening", "episode", "ending", "preview"], f"{engine}: chapter marks on the seek bar, not {marks}")
    options = [o.text for o in Select(driver.find_element(By.ID, "subtitles")).options]
    check("English — Full" in options and "English — Signs & Songs (styled)" in options, f"{engine}: subtitle menu names the kinds: {options}")
    wait.until(lambda d: Select(d.find_element(By.ID, "subtitles")).first_selected_option.text == "English — Full")
    showing = driver.execute_script(
        "return [...document.getElementById('video').textTracks].filter(t => t.mode === 'showing').map(t => t.label)")
    check(showing == ["English — Full"], f"{engine}: only the chosen subtitle track shows, not {showing}")
    audio = driver.find_element(By.ID, "audio")
    try:
        wait.until(lambda d: "Japanese" in audio.get_property("selectedOptions")[0].text if audio.get_property("selectedOptions") else False)
        check(True, "")
    except TimeoutException:
        names = [o.text for o in Select(audio).options]
        check(False, f"{engine}: does not start on the Japanese audio the viewer prefers: {names}, selected {audio.get_property('value')!r}")
    # Inside the opening: the button, and key s lands after it.
    seek(driver, 5)
    try:
        wait.until(lambda d: skip_button(d) == "Skip opening")
    except TimeoutException:
        check(False, f"{engine}: no Skip opening at 5 s")
        return
    fits(driver, f"{engine} 1280x720")
    driver.save_screenshot(f"{shots}/player-skip-opening-{engine}.png")
    driver.find_element(By.TAG_NAME, "body").send_keys("s")
    try:
        wait.until(lambda d: video_time(d) >= 13.9)
        check(video_time(driver) < 21, f"{engine}: key s landed after the opening, at {video_time(driver)}")
    except TimeoutException:
        check(False, f"{engine}: key s did not skip the opening (at {video_time(driver)})")
    # Inside the ending: the button, and a click lands on the preview.
    seek(driver, 23)
    try:
        wait.until(lambda d: skip_button(d) == "Skip ending")
        driver.find_element(By.ID, "skip-chapter").click()
        wait.until(lambda d: video_time(d) >= 26.9)
    except TimeoutException:
        check(False, f"{engine}: Skip ending did not land on the preview (at {video_time(driver)})")
    console_errors(driver, f"/watch {engine}")


def auto(driver, engine):
    # Auto skips the opening of the second episode by itself...
    if open_player(driver, second_id, engine):
        seek(driver, 4.3)
        try:
            waiting(driver).until(lambda d: video_time(d) >= 13.9)
            check(True, "")
        except TimeoutException:
            check(False, f"{engine}: auto did not skip the opening (at {video_time(driver)})")
    # ...and asks on the first episode.
    if open_player(driver, first_id, engine):
        seek(driver, 4.3)
        try:
            waiting(driver).until(lambda d: skip_button(d) == "Skip opening")
            check(video_time(driver) < 14, f"{engine}: auto skipped the first episode's opening")
        except TimeoutException:
            check(False, f"{engine}: the first episode shows no Skip opening under auto (at {video_time(driver)})")


def burn_in(driver, engine):
    """The styled signs track burnt in: the sign matches ffmpeg's rendering with the attached font, not the fallback."""
    if not open_player(driver, second_id, engine, "&burn=1"):
        return
    # Paused at 2 s, once the frame there is painted (requestVideoFrameCallback fires when it is presented).
    driver.set_script_timeout(60)
    painted = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const v = document.getElementById('video');
        v.pause();
        v.requestVideoFrameCallback(() => done(true));
        v.currentTime = 2;""")
    if not check(painted is True, f"{engine}: the burnt-in stream did not show the frame at 2 s"):
        return
    frame = gray_region(driver)
    w, h = frame["w"], frame["h"]
    shown = blocks(frame["values"], w, h)
    with_font = blocks(reference(media_file, frame["width"], frame["height"], 2), w, h)
    without_font = blocks(reference(bare_file, frame["width"], frame["height"], 2), w, h)
    ours = mean_difference(shown, with_font)
    fallback = mean_difference(shown, without_font)
    apart = mean_difference(with_font, without_font)
    # The browser's colour conversion is not ffmpeg's, so the frame is never equal to either rendering; it must be
    # much nearer the one with the attached font.
    check(apart > 8 and ours * 2 < fallback,
          f"{engine}: burnt-in sign vs ffmpeg with the attached font {ours:.1f}, with the fallback {fallback:.1f} (renderings {apart:.1f} apart)")
    selected = Select(driver.find_element(By.ID, "burn")).first_selected_option.text
    check(selected == "English — Signs & Songs (styled)", f"{engine}: the Burn in menu shows the styled track: {selected!r}")
    driver.save_screenshot(f"{shots}/player-burnt-in-{engine}.png")


def sizes(driver):
    for width, height in [(1280, 720), (1280, 900), (500, 900)]:
        viewport(driver, width, height)
        for engine in ["hlsjs", "native"]:
            if open_player(driver, second_id, engine):
                fits(driver, f"{engine} {width}x{height}")
                driver.save_screenshot(f"{shots}/player-{engine}-{width}x{height}.png")


def main():
    driver = browser(1280, 900)
    try:
        settings(driver)
        viewport(driver, 1280, 720)
        for engine in ["hlsjs", "native"]:
            player(driver, engine)
            burn_in(driver, engine)
        sizes(driver)
        viewport(driver, 1280, 720)
        check(put_preferences(driver, {"skip": "auto"}).get("skip") == "auto", "auto skip saved")
        for engine in ["hlsjs", "native"]:
            auto(driver, engine)
    finally:
        driver.quit()
    dark = browser(500, 900, dark=True)
    try:
        viewport(dark, 500, 900)
        if open_player(dark, second_id, "hlsjs"):
            fits(dark, "dark phone")
            dark.save_screenshot(f"{shots}/player-dark-phone.png")
        dark.get(f"{base}/settings")
        waiting(dark).until(conditions.visibility_of_element_located((By.ID, "audio-languages")))
        dark.save_screenshot(f"{shots}/playback-settings-dark-phone.png")
    finally:
        dark.quit()


try:
    main()
except Exception as error:  # report, never hang the suite
    report.error(error)
report.print()
