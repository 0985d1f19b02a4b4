"""Drives the status page in headless Chromium (run by the status page test).

usage: page_check.py URL TOKEN JOB_ID

The conductor has JOB_ID running (it prints page-output), 24 completed jobs fill-1..24 (submitted before it), a
failed job `broken`, a module job `mod` and a job `frozen` paused with --now. The script
checks the fixes the page needs (24-hour times, the log view in sight with many jobs,
buttons in sight at 800 px, no empty bar for module jobs, time run and error columns,
counts that do not call a paused job running, filter, pages, delete and clear, the output
view), then clicks Cancel. Prints one JSON line of what it saw; exits 1 (with the page's
text and console) when something does not show up in time. With MZT_SCREENSHOT set, saves
a screenshot of the page there.
"""
import json
import os
import sys

from playwright.sync_api import sync_playwright

url, token, job = sys.argv[1], sys.argv[2], sys.argv[3]
chromium = os.environ.get("MZT_CHROMIUM", "/usr/bin/chromium")
console = []
seen = {}


def in_view(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + 10 <= size["height"] and box["x"] + box["width"] <= size["width"]


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    try:
        page.goto(f"{url}/?token={token}")
        seen["address"] = page.url
        page.locator('tr[data-job="fill-24"]').wait_for(timeout=20000)
        page.locator("#page-info", has_text="of 28").wait_for(timeout=20000)
        seen["page_info"] = page.inner_text("#page-info")
        seen["connection"] = page.inner_text("#connection")
        page.locator("#counts", has_text="paused").wait_for(timeout=20000)
        seen["counts"] = page.inner_text("#counts")
        seen["rows_first_page"] = page.locator("#jobs tbody tr").count()

        broken = page.locator('tr[data-job="broken"]')
        seen["broken_error"] = broken.locator("td.error").inner_text()
        module = page.locator('tr[data-job="mod"]')
        seen["module_bars"] = module.locator("progress").count()
        seen["module_progress"] = module.locator("td").nth(3).inner_text()
        fill = page.locator('tr[data-job="fill-24"]')
        seen["started"] = fill.locator("td.started").inner_text()
        seen["ran"] = fill.locator("td.ran").inner_text()

        # The log of a job at the bottom of a long list opens where it can be seen.
        last_id = page.locator("#jobs tbody tr").last.get_attribute("data-job")
        page.locator(f'tr[data-job="{last_id}"] button', has_text="Log").click()
        page.locator("#log-lines", has_text="job completed").wait_for(timeout=20000)
        seen["log_in_view"] = in_view(page, page.locator("#log-lines"))
        page.click("#log-close")

        if os.environ.get("MZT_SCREENSHOT"):
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=os.environ["MZT_SCREENSHOT"])

        # At 800 px every button of a row is on screen.
        page.set_viewport_size({"width": 800, "height": 800})
        row = page.locator('tr[data-job="fill-23"]')
        seen["buttons_in_view_800"] = all(in_view(page, row.locator("button").nth(i)) for i in range(row.locator("button").count()))
        page.set_viewport_size({"width": 1280, "height": 800})

        page.click("#page-next")
        seen["page_two"] = page.inner_text("#page-info")
        page.fill("#filter-text", job)
        page.locator(f'tr[data-job="{job}"]').wait_for(timeout=20000)
        seen["rows_filtered"] = page.locator("#jobs tbody tr").count()
        page.fill("#filter-text", "")
        page.select_option("#filter-status", "failed")
        seen["rows_failed"] = page.locator("#jobs tbody tr").count()
        page.select_option("#filter-status", "")

        page.locator('tr[data-job="fill-22"] button[data-action="delete"]').click()
        page.locator('tr[data-job="fill-22"]').wait_for(state="detached", timeout=20000)
        seen["deleted"] = True

        row = page.locator(f'tr[data-job="{job}"]')
        row.and_(page.locator('[data-status="running"]')).wait_for(timeout=20000)
        seen["name"] = row.locator("td").nth(1).inner_text()
        seen["progress_max"] = row.locator("progress").get_attribute("max")
        row.locator("button", has_text="Log").click()
        page.locator("#log-lines", has_text="job started").wait_for(timeout=20000)
        seen["log_has_start"] = True
        page.click("#tab-output")
        page.locator("#output-lines", has_text="page-output").wait_for(timeout=20000)
        seen["output"] = page.inner_text("#output-lines")
        page.click("#tab-events")

        page.click("#clear-finished")
        page.locator('tr[data-job="fill-24"]').wait_for(state="detached", timeout=20000)
        seen["rows_after_clear"] = page.locator("#jobs tbody tr").count()

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
