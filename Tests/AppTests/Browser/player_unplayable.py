#!/usr/bin/python3
"""Opens the player page for a file the server cannot play and reports what a person sees: the status line (its
text and whether it is shown as an error), whether any video element or player frame is left on the page, the
heading, and where the way back leads.

Usage: player_unplayable.py BASE_URL FILE_ID [SCREENSHOT]
Prints one JSON object, or {"failure": reason}.
"""
import sys
import time

from browser_kit import observe

base, file_id = sys.argv[1], sys.argv[2]
shot = sys.argv[3] if len(sys.argv) > 3 else None


def main(driver):
    driver.get(f"{base}/watch/{file_id}")
    read = """const s = document.getElementById('status');
        return {status: s ? s.textContent : null, isError: !!s && s.classList.contains('error'),
                video: !!document.getElementById('video'), frame: !!document.querySelector('.video-frame'),
                seekBar: !!document.getElementById('seekbar'), heading: document.getElementById('watch-title')?.textContent,
                back: document.getElementById('watch-back')?.getAttribute('href') ?? null};"""
    deadline = time.monotonic() + 30
    seen = driver.execute_script(read)
    while not seen["isError"] and time.monotonic() < deadline:
        time.sleep(0.05)
        seen = driver.execute_script(read)
    if shot:
        driver.save_screenshot(shot)
    return seen


observe(main)
