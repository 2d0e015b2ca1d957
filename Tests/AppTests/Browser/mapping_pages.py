#!/usr/bin/python3
"""The community mapping as a person meets it in headless Chromium: a Sonarr-named library on the series page (ids
elsewhere, how each file's TVDB number became AniDB's), an admin's correction made with the keyboard alone, the
conflict on /attention, the files' state on /mirror; a phone-sized dark window too.

Usage: mapping_pages.py BASE_URL SCREENSHOT_DIR ADMIN ADMIN_PASSWORD
Prints one JSON object: {"checks": N, "failures": [...]}.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

base, shots, admin, admin_password = sys.argv[1:5]
result = {"checks": 0, "failures": []}


def check(condition, what):
    result["checks"] += 1
    if not condition:
        result["failures"].append(what)
    return condition


def browser(width, height, dark=False):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}", "--hide-scrollbars"]:
        options.add_argument(flag)
    if dark:
        options.add_argument("--force-dark-mode")
        options.add_argument("--blink-settings=preferredColorScheme=0")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(driver, next_path):
    driver.get(f"{base}/login?next={next_path}")
    wait = waiting(driver)
    wait.until(conditions.visibility_of_element_located((By.ID, "username"))).send_keys(admin)
    driver.find_element(By.ID, "password").send_keys(admin_password)
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: d.current_url.rstrip("/").endswith(next_path) and "/login" not in d.current_url)


def console_errors(driver, page):
    for entry in driver.get_log("browser"):
        if "Content Security Policy" in entry["message"] or (entry["level"] == "SEVERE" and "/js/" in entry["message"]):
            result["failures"].append(f"{page}: console error {entry['message'][:300]}")


def texts(driver, selector):
    """The texts of what `selector` finds, read again if the view redrew meanwhile."""
    for _ in range(20):
        try:
            return [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector)]
        except StaleElementReferenceException:
            time.sleep(0.1)
    return []


def text(driver, selector):
    found = texts(driver, selector)
    return found[0] if found else ""


def waiting(driver):
    """Waits that ride out the view redrawing under them (it replaces its elements)."""
    return WebDriverWait(driver, 30, ignored_exceptions=[StaleElementReferenceException])


def main():
    driver = browser(1280, 900)
    wait = waiting(driver)
    try:
        sign_in(driver, "/series/10866")
        wait.until(conditions.visibility_of_element_located((By.ID, "elsewhere")))
        links = texts(driver, "#elsewhere .links a")
        check(any(l.startswith("TVDB") for l in links) and any(l.startswith("MyAnimeList") for l in links), f"links {links}")
        tvdb = driver.find_element(By.CSS_SELECTOR, "#elsewhere .links a").get_attribute("href")
        check(tvdb == "https://thetvdb.com/dereferrer/series/133341", f"TVDB link {tvdb}")
        place = text(driver, "#numbering-place")
        check("TVDB season 2, from episode 13" in place, f"place {place!r}")
        numbering = texts(driver, ".file .numbering")
        check("TVDB S02E13 → Durarara!!x2 Ten, episode 1 (anime-lists)" in numbering, f"numbering {numbering}")
        driver.save_screenshot(f"{shots}/mapping-series.png")

        # The correction, by keyboard: focus the button, Enter; the offset field; Enter submits.
        button = driver.find_element(By.ID, "fix-mapping")
        driver.execute_script("arguments[0].focus()", button)
        button.send_keys(Keys.ENTER)
        wait.until(conditions.visibility_of_element_located((By.CSS_SELECTOR, "dialog[open] .mapping-form")))
        check(driver.switch_to.active_element.get_attribute("name") == "tvdb_id", "the dialog focuses its first field")
        driver.save_screenshot(f"{shots}/mapping-correction.png")
        offset = driver.find_element(By.NAME, "tvdb_offset")
        offset.send_keys(Keys.CONTROL, "a")
        offset.send_keys("13", Keys.ENTER)
        wait.until(lambda d: "(corrected)" in text(d, "#numbering-place"))
        place = text(driver, "#numbering-place")
        check("TVDB season 2, from episode 14 (corrected) · TMDB season 2, from episode 13" in place, f"corrected place {place!r}")
        # The files are matched again: S02E14 is now the first episode of Ten.
        deadline = time.time() + 20
        while time.time() < deadline:
            driver.get(f"{base}/series/10866")
            wait.until(conditions.visibility_of_element_located((By.ID, "elsewhere")))
            if any(t.startswith("TVDB S02E14 → Durarara!!x2 Ten, episode 1 (correction)") for t in texts(driver, ".file .numbering")):
                break
            time.sleep(0.5)
        check(any(t.startswith("TVDB S02E14 → Durarara!!x2 Ten, episode 1 (correction)") for t in texts(driver, ".file .numbering")),
              f"re-matched: {texts(driver, '.file .numbering')}")
        driver.save_screenshot(f"{shots}/mapping-corrected.png")
        # Undo it: back to the community mapping.
        driver.find_element(By.ID, "fix-mapping").click()
        wait.until(conditions.element_to_be_clickable((By.ID, "clear-mapping"))).click()
        wait.until(lambda d: "(corrected)" not in text(d, "#numbering-place"))
        check("from episode 13" in text(driver, "#numbering-place"), "undone")
        # A bad value: the dialog says why and stays open.
        driver.find_element(By.ID, "fix-mapping").click()
        field = wait.until(conditions.visibility_of_element_located((By.NAME, "tvdb_offset")))
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("99999999", Keys.ENTER)
        error = wait.until(conditions.visibility_of_element_located((By.CSS_SELECTOR, "dialog[open] .error")))
        check("not within ±20000" in error.text, f"error {error.text!r}")
        driver.find_element(By.CSS_SELECTOR, "dialog[open]").send_keys(Keys.ESCAPE)
        console_errors(driver, "series")

        driver.get(f"{base}/attention")
        wait.until(conditions.visibility_of_element_located((By.CSS_SELECTOR, ".attention-file[data-state=conflict]")))
        conflict = text(driver, ".attention-file[data-state=conflict]")
        check("Tag and title disagree" in conflict and "the tag wins" in conflict, f"conflict {conflict!r}")
        driver.save_screenshot(f"{shots}/mapping-attention.png")

        driver.get(f"{base}/mirror")
        section = wait.until(conditions.visibility_of_element_located((By.CSS_SELECTOR, ".mapping-files")))
        section = text(driver, ".mapping-files")
        check("Anime-Lists mapping" in section and "299 anime" in section, f"mirror {section!r}")
        driver.save_screenshot(f"{shots}/mapping-mirror.png")
        console_errors(driver, "attention and mirror")
    finally:
        driver.quit()

    phone = browser(500, 1000, dark=True)  # headless Chromium's narrowest window
    try:
        sign_in(phone, "/series/10866")
        waiting(phone).until(conditions.visibility_of_element_located((By.ID, "elsewhere")))
        width = phone.execute_script("return document.documentElement.scrollWidth")
        check(width <= phone.execute_script("return window.innerWidth"), f"the phone page scrolls sideways ({width}px)")
        phone.save_screenshot(f"{shots}/mapping-series-phone-dark.png")
    finally:
        phone.quit()


try:
    main()
except Exception as error:
    result["failures"].append(f"{type(error).__name__} after {result['checks']} checks: {error}")
print(json.dumps(result))
