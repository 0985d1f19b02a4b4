"""Drives the status page in headless Chromium (run by StatusPageTests).

usage: page_check.py URL TOKEN JOB_ID

Opens the login link, waits for the running job's row, opens its log, clicks Cancel and
waits for the row to show the job cancelled. Prints one JSON line of what it saw; exits 1
(with the page's text and console) when something does not show up in time.
"""
import json
import os
import sys

from playwright.sync_api import sync_playwright

url, token, job = sys.argv[1], sys.argv[2], sys.argv[3]
chromium = os.environ.get("MZT_CHROMIUM", "/usr/bin/chromium")
console = []
seen = {}

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page()
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    try:
        page.goto(f"{url}/?token={token}")
        seen["address"] = page.url
        row = page.locator(f'tr[data-job="{job}"]')
        row.and_(page.locator('[data-status="running"]')).wait_for(timeout=20000)
        seen["name"] = row.locator("td").nth(1).inner_text()
        seen["status_before"] = row.get_attribute("data-status")
        seen["progress_max"] = row.locator("progress").get_attribute("max")
        seen["connection"] = page.inner_text("#connection")

        row.locator("button", has_text="Log").click()
        page.locator("#log-lines", has_text="job started").wait_for(timeout=20000)
        seen["log_has_start"] = True

        row.locator('button[data-action="cancel_job"]').click()
        page.locator(f'tr[data-job="{job}"][data-status="cancelled"]').wait_for(timeout=20000)
        seen["status_after"] = "cancelled"
        page.locator("#log-lines", has_text="cancel").wait_for(timeout=20000)
        seen["log_has_cancel"] = True
        print(json.dumps(seen))
    except Exception as error:  # report what the page showed, then fail
        print(json.dumps(seen))
        print(f"FAILED: {error}", file=sys.stderr)
        print(page.inner_text("body"), file=sys.stderr)
        print("\n".join(console), file=sys.stderr)
        sys.exit(1)
    finally:
        browser.close()
