"""What the browser scripts share: a headless Chromium as the tests drive it, waits that ride out redraws, and the
one JSON report each script prints ({"checks": N, "failures": [...]})."""
import json

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait


def browser(width, height, dark=False):
    """Debian's Chromium, headless, muted, allowed to autoplay, its console kept for `Report.console_errors`."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio", f"--window-size={width},{height}",
                 "--autoplay-policy=no-user-gesture-required", "--hide-scrollbars"]:
        options.add_argument(flag)
    if dark:
        options.add_argument("--force-dark-mode")
        options.add_argument("--blink-settings=preferredColorScheme=0")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def observe(look, width=1280, height=900):
    """Runs `look(driver)` in a fresh browser and prints what it returns as JSON, or {"failure": why} when it
    raises: for the scripts that report what they saw rather than pass/fail checks."""
    driver = browser(width, height)
    try:
        print(json.dumps(look(driver)))
    except Exception as error:  # noqa: BLE001 — the test prints why
        print(json.dumps({"failure": f"{type(error).__name__}: {error}"}))
    finally:
        driver.quit()


def viewport(driver, width, height):
    """The page's own area at width x height (the window adds its frame)."""
    driver.set_window_size(width, height)
    extra = driver.execute_script("return [outerWidth - innerWidth, outerHeight - innerHeight]")
    driver.set_window_size(width + extra[0], height + extra[1])


def waiting(driver, seconds=60):
    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException])


def sign_in(driver, base, user, password, next_path):
    """Signs in on /login and waits to be sent on to `next_path`."""
    driver.get(f"{base}/login?next={next_path}")
    wait = waiting(driver)
    wait.until(conditions.visibility_of_element_located((By.ID, "username"))).send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: d.current_url.rstrip("/").endswith(next_path.rstrip("/")) and "/login" not in d.current_url)


class Report:
    def __init__(self):
        self.checks = 0
        self.failures = []

    def check(self, condition, what):
        self.checks += 1
        if not condition:
            self.failures.append(what)
        return condition

    def console_errors(self, driver, page):
        """A page's script errors and Content Security Policy refusals are failures."""
        for entry in driver.get_log("browser"):
            if "Content Security Policy" in entry["message"] or (entry["level"] == "SEVERE" and "/js/" in entry["message"]):
                self.failures.append(f"{page}: console error {entry['message'][:300]}")

    def error(self, error):
        import traceback
        where = " / ".join(f"{frame.name}:{frame.lineno}" for frame in traceback.extract_tb(error.__traceback__))
        self.failures.append(f"script error: {type(error).__name__}: {error} at {where}")

    def print(self):
        print(json.dumps({"checks": self.checks, "failures": self.failures}))
