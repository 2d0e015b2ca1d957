#!/usr/bin/python3
"""Signs in on the login page, plays a file for 15 s, reloads, and reports whether the player offers to resume.

Usage: resume_after_reload.py BASE_URL FILE_ID USER PASSWORD [SCREENSHOT_DIR]
Prints one JSON object on standard output. Run by PlayerPageTests with Debian's chromium and chromium-driver.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

base, file_id, user, password = sys.argv[1:5]
shots = sys.argv[5] if len(sys.argv) > 5 else None
result = {"redirectedToLogin": False, "signedIn": False, "played": 0.0, "resumeOffered": False, "resumeAt": None,
          "resumedTo": None, "errors": []}

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--mute-audio", "--disable-gpu", "--window-size=1280,900",
             "--autoplay-policy=no-user-gesture-required"]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 60)
current_time = "return document.getElementById('video')?.currentTime || 0"
try:
    driver.get(f"{base}/player?file={file_id}")
    wait.until(conditions.url_contains("/login"))
    result["redirectedToLogin"] = "next=" in driver.current_url
    if shots:
        driver.save_screenshot(f"{shots}/login.png")
    # The sign-in form is drawn by the app's module once it knows no one is signed in.
    wait.until(conditions.visibility_of_element_located((By.ID, "username"))).send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "submit").click()
    wait.until(conditions.url_contains("/watch/"))
    result["signedIn"] = True
    # Someone who played this before is asked first: start over.
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(current_time) > 0 or d.find_element(By.ID, "resume").is_displayed())
    if driver.find_element(By.ID, "resume").is_displayed():
        driver.find_element(By.ID, "resume-no").click()
    # Play 15 s of the file.
    deadline = time.time() + 90
    while time.time() < deadline and driver.execute_script(current_time) < 15:
        time.sleep(0.2)
    result["played"] = driver.execute_script(current_time)
    driver.refresh()
    bar = WebDriverWait(driver, 30).until(conditions.visibility_of_element_located((By.ID, "resume")))
    result["resumeOffered"] = True
    result["resumeAt"] = float(bar.get_attribute("data-position"))
    result["resumeText"] = driver.find_element(By.ID, "resume-text").text
    if shots:
        driver.save_screenshot(f"{shots}/resume.png")
    driver.find_element(By.ID, "resume-yes").click()
    deadline = time.time() + 30
    while time.time() < deadline and driver.execute_script(current_time) < result["resumeAt"] - 1:
        time.sleep(0.2)
    result["resumedTo"] = driver.execute_script(current_time)
except Exception as error:  # the test reads the reason from the JSON
    result["errors"].append(f"{type(error).__name__}: {error}")
finally:
    result["url"] = driver.current_url
    driver.quit()
print(json.dumps(result))
