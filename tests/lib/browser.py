"""A real browser for the console's tests: Debian's headless Chromium driven
through chromedriver (python3-selenium), against a running gateway.

    b = Browser(sys)                     # sys: a kefu_system.System with the gateway started
    b.log_in("A101", PASSWORD)           # through the log-in form, as a person does
    b.open("/console/wall")
    b.wait_text("#wall", "SH01")         # waits, with a time-out, for what a person would see
    b.screenshot("wallboard")            # kept under the test artefacts folder
    b.quit()

Every wait has a time-out and names what it waited for when it fails.
"""
import os

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import kefu_harness as h

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARTEFACTS = os.environ.get("KEFU_ARTEFACTS", os.path.join(ROOT, "build", "test-artefacts"))


class Browser:
    def __init__(self, system, lang="zh-CN", width=1280, height=900):
        self.base = "http://" + system.config.gateway_http
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=%d,%d" % (width, height), "--lang=" + lang,
                    "--no-first-run", "--disable-extensions", "--disable-background-networking"):
            opts.add_argument(arg)
        opts.add_experimental_option("prefs", {"intl.accept_languages": lang})
        self.driver = webdriver.Chrome(service=ChromeService("/usr/bin/chromedriver"), options=opts)
        self.driver.set_page_load_timeout(60)

    def quit(self):
        self.driver.quit()

    # -- going places --------------------------------------------------------
    def open(self, path):
        self.driver.get(self.base + path)

    def log_in(self, staff, password):
        self.open("/console/login")
        self.type("#login-form input[name=staff]", staff)
        self.type("#login-form input[name=password]", password)
        self.click("#login-form button[type=submit]")
        self.wait(lambda: self.driver.execute_script("return document.body.dataset.page") not in (None, "login"),
                  "the log-in to leave the log-in page")

    # -- finding and acting ----------------------------------------------------
    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def type(self, css, text, clear=True):
        e = self.wait_for(css)
        if clear:
            e.clear()
        e.send_keys(text)
        return e

    def click(self, css):
        e = self.wait_for(css)
        e.click()
        return e

    def select(self, css, value):
        Select(self.wait_for(css)).select_by_value(value)

    # -- waiting ---------------------------------------------------------------
    def wait(self, predicate, what, timeout=20, interval=0.05):
        """Calls predicate until it returns something true; returns that.
        Fails after timeout seconds, naming what was awaited and what was
        last seen. A page that redraws while it is read (a stale element)
        counts as not yet."""
        last = [None]

        def holds():
            try:
                last[0] = predicate()
            except (StaleElementReferenceException, WebDriverException) as e:
                last[0] = e
                return None
            return last[0]
        return h.wait_until(holds, timeout, lambda: "%s; last seen: %r" % (what, last[0]), interval)

    def wait_for(self, css, timeout=20):
        """The first element css matches, once it is displayed."""
        def shown():
            found = [e for e in self.find_all(css) if e.is_displayed()]
            return found[0] if found else None
        return self.wait(shown, "an element %r on %s" % (css, self.driver.current_url), timeout)

    def wait_text(self, css, text, timeout=20):
        """The first element matching css whose text holds text."""
        def holds():
            for e in self.find_all(css):
                if text in e.text:
                    return e
            return None
        try:
            return self.wait(holds, "%r to show %r" % (css, text), timeout)
        except AssertionError as e:
            shown = [x.text for x in self.find_all(css)][:3]   # read only once the wait failed
            raise AssertionError("%s; it shows %r" % (e, shown)) from None

    def text(self, css):
        return self.find(css).text

    # -- artefacts -------------------------------------------------------------
    def screenshot(self, name):
        """Saves the page as ARTEFACTS/<name>.png (kept after the run)."""
        os.makedirs(ARTEFACTS, exist_ok=True)
        path = os.path.join(ARTEFACTS, name + ".png")
        self.driver.save_screenshot(path)
        return path
