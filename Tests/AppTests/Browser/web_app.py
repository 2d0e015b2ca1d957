#!/usr/bin/python3
"""Drives every page of Anikura's web app in headless Chromium as a person would, and saves screenshots.

Usage: web_app.py BASE_URL SCREENSHOT_DIR ADMIN ADMIN_PASSWORD VIEWER VIEWER_PASSWORD
Expects the library WebAppTests builds: Seikai no Monshou (aid 1) episodes 1, 2, 5; Evangelion (22) episode 1;
one file no title matches. Prints one JSON object: {"checks": N, "failures": [...], "timings": {...}}.
"""
import json
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

base, shots, admin, admin_password, viewer, viewer_password = sys.argv[1:7]
result = {"checks": 0, "failures": [], "timings": {}}


def check(condition, what):
    result["checks"] += 1
    if not condition:
        result["failures"].append(what)
    return condition


def browser(width=1280, height=900, dark=False):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--mute-audio", "--disable-gpu", f"--window-size={width},{height}",
                 "--autoplay-policy=no-user-gesture-required", "--hide-scrollbars"]:
        options.add_argument(flag)
    if dark:
        options.add_argument("--force-dark-mode")
        options.add_argument("--blink-settings=preferredColorScheme=0")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def where(driver):
    """Remembers where a failure happened: the address, the page's text, and a screenshot."""
    try:
        result["where"] = f" at {driver.current_url}: {driver.find_element(By.TAG_NAME, 'main').text[:600]!r}"
        driver.save_screenshot(f"{shots}/failure.png")
    except Exception:
        pass


began = time.time()


def shot(driver, name):
    result["timings"][name] = round(time.time() - began, 1)
    time.sleep(0.4)  # lazy posters that are in view finish decoding
    driver.save_screenshot(f"{shots}/{name}.png")


def console_errors(driver, page):
    for entry in driver.get_log("browser"):
        # A placeholder or an aborted media request is not a script error; anything SEVERE from our modules is.
        # A Content-Security-Policy refusal names the page, not a module: it counts wherever it comes from.
        if "Content Security Policy" in entry["message"] or (entry["level"] == "SEVERE" and "/js/" in entry["message"]):
            result["failures"].append(f"{page}: console error {entry['message'][:300]}")


def sign_in(driver, user, password, next_path="/"):
    driver.get(f"{base}/login?next={next_path}")
    wait = WebDriverWait(driver, 30)
    wait.until(conditions.visibility_of_element_located((By.ID, "username"))).send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: d.current_url.rstrip("/").endswith(next_path.rstrip("/")) and "/login" not in d.current_url)


CONTRAST = """
const parse = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
const lum = rgb => { const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const ratio = (a, b) => { const [x, y] = [lum(parse(a)), lum(parse(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const background = el => { for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
  if (!c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; } return getComputedStyle(document.documentElement).backgroundColor; };
const out = {};
for (const selector of arguments[0]) {
  const el = document.querySelector(selector);
  if (el) out[selector] = ratio(getComputedStyle(el).color, background(el));
}
return out;
"""


def contrast(driver, theme):
    """WCAG AA: text at least 4.5:1 against what it sits on."""
    ratios = driver.execute_script(CONTRAST, ["body", ".muted", ".nav a", ".card-meta", "a.button.primary", ".tag.missing", ".health"])
    for selector, ratio in ratios.items():
        check(ratio >= 4.5, f"{theme}: {selector} contrast {ratio:.2f} is below 4.5")
    check(len(ratios) >= 5, f"{theme}: contrast measured for {sorted(ratios)}")


def retype(driver, field, text):
    """Empties a field the way a person does (Selenium's clear() sends no input event), then types."""
    driver.execute_script("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", field)
    if text:
        field.send_keys(text)


def texts(driver, selector):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector)]


def main():
    driver = browser()
    wait = WebDriverWait(driver, 60, ignored_exceptions=[StaleElementReferenceException])
    try:
        # Signed out: every page sends you to sign in, and back afterwards.
        driver.get(f"{base}/library")
        wait.until(conditions.url_contains("/login?next="))
        check(urllib.parse.unquote(driver.current_url).endswith("next=/library"), "redirected to login, to come back to /library")
        wait.until(conditions.visibility_of_element_located((By.ID, "submit")))
        check(driver.find_element(By.TAG_NAME, "h1").text == "Sign in to Anikura", "login heading")
        driver.find_element(By.ID, "username").send_keys(admin)
        driver.find_element(By.ID, "password").send_keys("wrong password")
        driver.find_element(By.ID, "submit").click()
        wait.until(lambda d: d.find_element(By.ID, "message").text)
        check("Wrong" in driver.find_element(By.ID, "message").text, "a wrong password is said so")
        shot(driver, "login")
        sign_in(driver, admin, admin_password, "/library")

        # Library: a poster grid once the scan and matching have filled it.
        deadline = time.time() + 90
        while time.time() < deadline and len(driver.find_elements(By.CSS_SELECTOR, "#grid .card")) < 2:
            time.sleep(1)
            driver.refresh()
        started = time.time()
        driver.get(f"{base}/library")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) >= 2)
        result["timings"]["libraryFirstScreenMs"] = round((time.time() - started) * 1000)
        cards = texts(driver, "#grid .card .card-title")
        check(cards == ["Seikai no Monshou", "Shinseiki Evangelion"], f"library cards by title: {cards}")
        filter_box = driver.find_element(By.CSS_SELECTOR, "input[name=text]")
        filter_box.send_keys("crest")  # the English title filters too
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) == 1)
        check(texts(driver, "#grid .card .card-title") == ["Seikai no Monshou"], "instant filter by English title")
        # The title search finds anime that are not on disk, in any language.
        retype(driver, filter_box, "Evangelion")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".search-results li"))
        results = texts(driver, ".search-results li")
        check(any("not on disk" in r for r in results) and any("on disk" in r for r in results), f"title search: {results[:5]}")
        shot(driver, "library-search")
        retype(driver, filter_box, "")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) == 2)
        driver.execute_script("document.querySelector('select[name=filter]').value='missing';"
                              "document.querySelector('select[name=filter]').dispatchEvent(new Event('change'))")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#grid .card")) == 2, "both have missing episodes")
        driver.get(f"{base}/library")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) == 2)
        poster = driver.find_element(By.CSS_SELECTOR, "#grid .card[data-aid='1'] img")
        wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", poster))
        check(driver.execute_script("return arguments[0].naturalWidth", poster) == 200, "aid 1's poster is the CDN's JPEG")
        check(poster.get_attribute("alt") == "Poster of Seikai no Monshou", "posters have alt text")
        shot(driver, "library")

        # Series page of aid 1: 13 episodes, 1, 2 and 5 playable, the rest missing; relations; description links.
        driver.get(f"{base}/series/1")
        wait.until(conditions.visibility_of_element_located((By.ID, "series-title")))
        check(driver.find_element(By.ID, "series-title").text == "Seikai no Monshou", "series title")
        check("Crest of the Stars" in driver.page_source and "星界の紋章" in driver.page_source, "English and Japanese titles")
        regular = driver.find_elements(By.CSS_SELECTOR, ".episodes[data-kind=regular] .episode")
        check(len(regular) == 13, f"13 regular episodes, saw {len(regular)}")
        playable = [e.get_attribute("data-episode") for e in regular if e.find_elements(By.CSS_SELECTOR, "a.play")]
        missing = [e.get_attribute("data-episode") for e in regular if "missing" in e.get_attribute("class")]
        check(playable == ["1", "2", "5"], f"playable episodes {playable}")
        check(len(missing) == 10 and "3" in missing, f"missing episodes {missing}")
        check(driver.find_elements(By.CSS_SELECTOR, ".description a[href^='http://anidb.net/']"), "AniDB links in the description")
        check(not driver.find_elements(By.CSS_SELECTOR, ".description script, .description img"), "no HTML from AniDB")
        relations = texts(driver, ".relation")
        check(any("Seikai no Senki" in r and "Missing" in r for r in relations), f"the sequel is marked missing: {relations}")
        apart = [e.get_attribute("data-kind") for e in driver.find_elements(By.CSS_SELECTOR, ".episodes")]
        check(apart[0] == "regular" and len(apart) > 1, f"specials, credits and trailers grouped apart: {apart}")
        check(driver.find_elements(By.ID, "fix-match"), "admins get fix match")
        contrast(driver, "light")
        shot(driver, "series")
        # Mark episode 2 watched; it stays after a reload.
        driver.find_element(By.CSS_SELECTOR, ".episode[data-episode='2'] .watch-toggle").click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".episode[data-episode='2'] .watch-toggle").get_attribute("aria-pressed") == "true")
        driver.refresh()
        toggle = "return document.querySelector(\".episode[data-episode='2'] .watch-toggle\")?.getAttribute('aria-pressed')"
        check(WebDriverWait(driver, 30).until(lambda d: d.execute_script(toggle)) == "true", "watched survives a reload")

        # Play episode 1 from the series page.
        driver.find_element(By.CSS_SELECTOR, ".episode[data-episode='1'] a.play").click()
        wait.until(conditions.url_contains("/watch/"))
        current = "return document.getElementById('video')?.currentTime || 0"
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(current) > 1)
        check(driver.execute_script("return document.getElementById('video').videoWidth") == 640, "frames decoded")
        check("Seikai no Monshou" in driver.find_element(By.ID, "watch-title").text, "series title in the player")
        check("Invasion" in driver.find_element(By.ID, "watch-episode").text, "episode title in the player")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#audio option")) == 1, "audio menu")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#subtitles option")) == 2, "subtitle menu: off and one track")
        driver.find_element(By.TAG_NAME, "body").send_keys("m")
        check(driver.execute_script("return document.getElementById('video').muted"), "m mutes")
        driver.find_element(By.TAG_NAME, "body").send_keys(" ")
        paused = "return document.getElementById('video').paused"
        try:
            WebDriverWait(driver, 5).until(lambda d: d.execute_script(paused))
        except TimeoutException:
            pass
        check(driver.execute_script(paused), "space pauses")
        before = driver.execute_script(current)
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        check(driver.execute_script(current) >= before + 9, "→ skips 10 s")
        shot(driver, "watch")
        # The end: the next episode on disk (2) is offered with a countdown that can be cancelled.
        driver.execute_script("const v = document.getElementById('video'); v.currentTime = v.duration - 1; v.play()")
        WebDriverWait(driver, 30).until(conditions.visibility_of_element_located((By.ID, "up-next")))
        offered = time.time()
        check("Episode 2" in driver.find_element(By.ID, "up-next-text").text, "next episode offered")
        shot(driver, "watch-up-next")
        here = driver.current_url
        driver.find_element(By.ID, "up-next-cancel").click()
        # The countdown is 10 s: past its end, a cancelled one has not gone to episode 2.
        time.sleep(max(0, offered + 11 - time.time()))
        check(driver.current_url == here and not driver.find_element(By.ID, "up-next").is_displayed(), "countdown cancelled")
        console_errors(driver, "watch")

        # Home: continue watching (episode 1 was played part-way), recently added, missing, the mirror's health.
        driver.get(f"{base}/")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".shelf-row"))
        headings = texts(driver, ".shelf-row h2")
        check(headings[:2] == ["Continue watching", "Recently added"], f"home rows {headings}")
        check(any("Seikai no Senki" in t for t in texts(driver, ".missing-list li")), "missing sequel on home")
        check("AniDB requests left today" in driver.find_element(By.CSS_SELECTOR, ".health").text, "mirror health line")
        shot(driver, "home")

        # Attention: the unmatched file, fixed to Evangelion episode 2, moves to that series.
        driver.get(f"{base}/attention")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".attention-file"))
        files = texts(driver, ".attention-file .af-name")
        check(files == ["[XYZ] Totally Unknown Show - 02 [480p].mkv"], f"attention lists {files}")
        driver.find_element(By.CSS_SELECTOR, ".attention-file input[type=checkbox]").click()
        picker = wait.until(conditions.visibility_of_element_located((By.CSS_SELECTOR, ".assign .picker-input")))
        retype(driver, picker, "Neon Genesis Evangelion")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".assign .pick[data-aid='22']"))
        shot(driver, "attention")
        driver.find_element(By.CSS_SELECTOR, ".assign .pick[data-aid='22']").click()
        episode = wait.until(conditions.visibility_of_element_located((By.CSS_SELECTOR, ".assign-list .episode-input")))
        check(episode.get_attribute("value") == "02", "episode filled from the name")
        driver.find_element(By.CSS_SELECTOR, ".range input").clear()
        driver.find_element(By.CSS_SELECTOR, ".range input").send_keys("2")
        driver.find_element(By.CSS_SELECTOR, ".range button").click()
        check(episode.get_attribute("value") == "2", "range fill")
        driver.find_element(By.ID, "assign-save").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".notice") and not d.find_elements(By.CSS_SELECTOR, ".attention-file"))
        check(driver.find_elements(By.ID, "undo"), "undo offered")
        driver.get(f"{base}/series/22")
        wait.until(conditions.visibility_of_element_located((By.ID, "series-title")))
        check(driver.find_elements(By.CSS_SELECTOR, ".episode[data-episode='2'] a.play"), "the fixed file is Evangelion's episode 2")
        poster = driver.find_element(By.CSS_SELECTOR, ".hero img")
        wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", poster))
        check(driver.execute_script("return arguments[0].naturalWidth", poster) == 200, "refused poster: a 200×300 placeholder")
        shot(driver, "series-placeholder")

        # Mirror and settings.
        driver.get(f"{base}/mirror")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tile"))
        check("Requests, last 24 h" in driver.page_source, "mirror budget tile")
        shot(driver, "mirror")
        driver.get(f"{base}/settings")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#keys form"))
        driver.find_element(By.CSS_SELECTOR, "#keys input[name=label]").send_keys("Kometa")
        driver.find_element(By.CSS_SELECTOR, "#keys button[type=submit]").click()
        key = wait.until(conditions.visibility_of_element_located((By.CSS_SELECTOR, "#new-key code")))
        check(key.text.startswith("ak_"), "a new API key is shown once")
        check(viewer in texts(driver, "#users li b"), "users listed for admins")
        check(driver.find_elements(By.ID, "scan-now"), "scan now")
        shot(driver, "settings")

        # Keyboard: Tab from the page start reaches the skip link, then the header's links, with a visible focus.
        driver.get(f"{base}/library")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#grid .card"))
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        check(driver.execute_script("return document.activeElement.className") == "skip", "skip link first")
        body = driver.switch_to.active_element
        body.send_keys(Keys.TAB)
        outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
        check(outline not in ("none", ""), f"visible focus ({outline})")
        console_errors(driver, "admin pages")
    except Exception:
        where(driver)
        raise
    finally:
        driver.quit()

    # A viewer: no admin pages in the header, and /attention says no.
    driver = browser()
    wait = WebDriverWait(driver, 60)
    try:
        sign_in(driver, viewer, viewer_password, "/")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".nav a"))
        check("Attention" not in texts(driver, ".nav a"), "viewers see no admin pages")
        driver.get(f"{base}/attention")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".notice"))
        check("Not allowed" in driver.find_element(By.CSS_SELECTOR, ".notice").text, "a viewer is refused on /attention")
    except Exception:
        where(driver)
        raise
    finally:
        driver.quit()

    # Dark mode and a phone-sized window.
    for name, options in [("dark", {"dark": True}), ("phone", {"width": 500, "height": 1000})]:
        driver = browser(**options)
        wait = WebDriverWait(driver, 60)
        try:
            sign_in(driver, admin, admin_password, "/series/1")
            wait.until(conditions.visibility_of_element_located((By.ID, "series-title")))
            contrast(driver, name)
            if name == "phone":
                width = driver.execute_script("return document.documentElement.scrollWidth")
                check(width <= driver.execute_script("return window.innerWidth"), f"no sideways scrolling on a phone ({width})")
            shot(driver, f"series-{name}")
            driver.get(f"{base}/")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".shelf-row"))
            shot(driver, f"home-{name}")
            driver.get(f"{base}/library")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#grid .card"))
            shot(driver, f"library-{name}")
            if name == "dark":
                background = driver.execute_script("return getComputedStyle(document.documentElement).backgroundColor")
                check(background == "rgb(16, 18, 23)", f"dark theme ({background})")
        finally:
            driver.quit()


try:
    main()
except Exception as error:  # the test reads the reason from the JSON
    result["failures"].append(f"{type(error).__name__} after {result['checks']} checks: {error}{result.pop('where', '')}")
print(json.dumps(result))
