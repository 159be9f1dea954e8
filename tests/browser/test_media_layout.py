"""
Images do not move the page while it loads: Lighthouse (scripts/install-lighthouse), run on Debian's
Chromium against the live server, audits a report whose text places one image and is followed by
another, as a phone and as a desktop, and finds no layout shift and no image without its size.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

from reports.models import Report
from tests.browser.conftest import CHROMIUM, COMPLIMENTARY, report_path
from tests.factories import report_image
from tests.media_files import jpeg, png

LIGHTHOUSE = Path(__file__).resolve().parents[2] / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
AUDITS = ["cumulative-layout-shift", "unsized-images"]


ATTEMPTS = 3  # on a busy machine Lighthouse sometimes cannot measure a run (the audit holds an error, not a value)


def audit(url, *form_factor):
    """Lighthouse's audits of the page, from the first of ATTEMPTS runs that measured every one."""
    errors = []
    for _ in range(ATTEMPTS):
        completed = subprocess.run(
            [
                str(LIGHTHOUSE), url, *form_factor, f"--only-audits={','.join(AUDITS)}", "--output=json",
                "--output-path=stdout", "--quiet",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
            ],
            capture_output=True, text=True, timeout=180, env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        result = json.loads(completed.stdout)
        unmeasured = {
            name: result["audits"][name].get("errorMessage")
            for name in AUDITS
            if result["audits"][name].get("scoreDisplayMode") == "error"
        }
        if not result.get("runtimeError") and not unmeasured:
            return result["audits"]
        errors.append(result.get("runtimeError") or unmeasured)
    pytest.fail(f"Lighthouse measured nothing in {ATTEMPTS} runs: {errors}")


@pytest.fixture
def report_with_images(demo):
    report = Report.objects.get(slug=COMPLIMENTARY)
    first, rest = report.body.split("\n\n", 1)
    report.body = f"{first}\n\n[image 1]\n\n{rest}"
    report.save()
    report_image(report, jpeg(width=1600, height=900), position=1, alt_text="Drones on a launcher", caption="As the channel showed them")
    report_image(report, png(width=800, height=1000), position=2, alt_text="The statement's first page")
    return report


@pytest.mark.parametrize("form_factor", [(), ("--preset=desktop",)], ids=["phone", "desktop"])
def test_images_in_a_report_move_nothing_while_the_page_loads(live_server, report_with_images, client, form_factor):
    page = client.get(report_path(report_with_images.slug)).content.decode()
    assert page.count("<img ") == 2 and 'alt="Drones on a launcher"' in page  # both images are on the page audited
    audits = audit(live_server.url + report_path(report_with_images.slug), *form_factor)
    assert audits["cumulative-layout-shift"]["numericValue"] == 0, audits["cumulative-layout-shift"]
    assert audits["unsized-images"]["score"] == 1, audits["unsized-images"]["details"]
