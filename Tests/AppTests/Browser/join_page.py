#!/usr/bin/python3
"""Invitations as people meet them in headless Chromium: an admin makes one on /settings and copies its link; the
person opens /join/{code} (desktop, and a phone in dark mode), is told clearly what is wrong with a bad name, joins
with the keyboard alone and lands signed in; a withdrawn or unknown code gets a page that says so.

Usage: join_page.py BASE_URL SCREENSHOT_DIR ADMIN ADMIN_PASSWORD
Prints one JSON object: {"checks": N, "failures": [...]}.
"""
import sys

from browser_kit import Report, browser, sign_in, viewport, waiting
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import Select

base, shots, admin, admin_password = sys.argv[1:5]
report = Report()
check = report.check


def make_invite(driver, role):
    """Makes an invitation and returns its link, once the page shows the new one (not one made before)."""
    wait = waiting(driver)
    before = driver.execute_script("return document.getElementById('invite-link')?.value || ''")
    Select(wait.until(conditions.visibility_of_element_located((By.ID, "invite-role")))).select_by_value(role)
    driver.find_element(By.CSS_SELECTOR, "#invite-form button[type=submit]").click()
    wait.until(lambda d: d.execute_script("return document.getElementById('invite-link')?.value || ''") not in ("", before))
    return driver.find_element(By.ID, "invite-link").get_attribute("value")


def main():
    admin_browser = browser(1280, 900)
    try:
        viewport(admin_browser, 1280, 900)
        sign_in(admin_browser, base, admin, admin_password, "/settings")
        link = make_invite(admin_browser, "viewer")
        check(link.startswith(base + "/join/") and len(link) > len(base) + 30, f"settings: the new link is whole: {link!r}")
        admin_browser.find_element(By.ID, "invite-copy").click()
        waiting(admin_browser).until(lambda d: d.find_element(By.ID, "invite-copy").text == "Copied")
        rows = admin_browser.find_elements(By.CSS_SELECTOR, "#invite-list li")
        check(len(rows) == 1 and "1 use left" in rows[0].text and "open" in rows[0].text, f"settings: the invitation is listed: {[r.text for r in rows]}")
        admin_browser.execute_script("document.getElementById('invites').scrollIntoView()")
        admin_browser.save_screenshot(f"{shots}/settings-invites.png")
        withdrawn = make_invite(admin_browser, "viewer")
        check(withdrawn != link, "settings: a second invitation has a link of its own")
        # The newest is listed first: withdraw it.
        newest = admin_browser.find_elements(By.CSS_SELECTOR, "#invite-list li")[0]
        check(len(admin_browser.find_elements(By.CSS_SELECTOR, "#invite-list li")) == 2, "settings: both invitations listed")
        newest.find_element(By.TAG_NAME, "button").click()
        waiting(admin_browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#invite-list li")) == 1)
        # The AniList link: how to get a token, and a clear message when AniList cannot check it.
        lists = admin_browser.find_element(By.ID, "lists")
        admin_browser.execute_script("arguments[0].scrollIntoView()", lists)
        check("anilist.co/settings/developer" in lists.text, "settings: says where an AniList token comes from")
        # The client id makes the link to AniList's token page; anything but a number leaves it off.
        authorize = admin_browser.find_element(By.ID, "anilist-authorize")
        check(authorize.get_attribute("href") is None, "settings: no AniList link before a client id")
        client = admin_browser.find_element(By.ID, "anilist-client")
        client.send_keys("not a number")
        check(authorize.get_attribute("href") is None, "settings: no AniList link for a client id that is not a number")
        client.clear()
        client.send_keys("12345")
        href = authorize.get_attribute("href")
        check(href == "https://anilist.co/api/v2/oauth/authorize?client_id=12345&response_type=token", f"settings: the AniList link: {href!r}")
        admin_browser.save_screenshot(f"{shots}/settings-lists.png")
        admin_browser.find_element(By.ID, "anilist-token").send_keys("a-token-anilist-cannot-check")
        admin_browser.find_element(By.CSS_SELECTOR, "#anilist-form button[type=submit]").click()
        message = admin_browser.find_element(By.ID, "lists-message")
        waiting(admin_browser).until(lambda d: message.text)
        check("AniList could not check the token" in message.text, f"settings: an unreachable AniList is said so: {message.text!r}")
        admin_browser.save_screenshot(f"{shots}/settings-lists-error.png")
        report.console_errors(admin_browser, "/settings")
    finally:
        admin_browser.quit()

    person = browser(1280, 900)
    try:
        viewport(person, 1280, 900)
        person.get(withdrawn)
        problem = waiting(person).until(conditions.visibility_of_element_located((By.ID, "invite-problem")))
        check("withdrawn" in problem.text, f"a withdrawn invitation says so: {problem.text!r}")
        person.save_screenshot(f"{shots}/join-withdrawn.png")
        person.get(link)
        wait = waiting(person)
        offer = wait.until(conditions.visibility_of_element_located((By.ID, "invite-offer")))
        check("expires" in offer.text, f"join: the page says what the invitation is: {offer.text!r}")
        person.save_screenshot(f"{shots}/join.png")
        # The keyboard alone: the name field has the focus; a bad name first.
        focused = person.switch_to.active_element
        check(focused.get_attribute("id") == "username", "join: the name field has the focus")
        focused.send_keys("two words", Keys.TAB, "a long enough password", Keys.ENTER)
        message = person.find_element(By.ID, "message")
        wait.until(lambda d: message.text)
        check("not a valid user name" in message.text, f"join: a bad name is explained: {message.text!r}")
        person.save_screenshot(f"{shots}/join-error.png")
        name = person.find_element(By.ID, "username")
        name.clear()
        name.send_keys("newcomer", Keys.ENTER)
        wait.until(lambda d: d.current_url.rstrip("/") == base)
        wait.until(lambda d: "newcomer" in d.find_element(By.ID, "header").text)
        check(True, "")
        report.console_errors(person, "/join")
    finally:
        person.quit()

    phone = browser(500, 900, dark=True)
    try:
        viewport(phone, 500, 900)
        phone.get(f"{base}/join/no-such-code-at-all")
        problem = waiting(phone).until(conditions.visibility_of_element_located((By.ID, "invite-problem")))
        check("not known" in problem.text, f"an unknown code says so: {problem.text!r}")
        phone.save_screenshot(f"{shots}/join-unknown-phone.png")
        wide = phone.execute_script("return document.documentElement.scrollWidth <= innerWidth")
        check(wide, "join on a phone: nothing wider than the window")
    finally:
        phone.quit()


try:
    main()
except Exception as error:  # report, never hang the suite
    report.error(error)
report.print()
