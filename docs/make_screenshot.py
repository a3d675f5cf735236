"""Take docs/review-1024.png and docs/review-1440.png: the review page on a faxed personal sheet.

    .venv/bin/python docs/make_screenshot.py [OUT_DIR]

Builds a throw-away store through the real pipeline (filled PDFs and a sheet printed with values
and a recipient's QR code, rasterised like a fax at 200 dpi, parsed by OCR), serves the review
page with a mailing list and photographs it with Debian's chromium driven by Playwright, at the
two widths the screenshot test checks (tests/test_review.py::test_browser_screenshot_layout).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formkit.layout.loader import LayoutRegistry  # noqa: E402
from tests.review_scene import CHROMIUM, CHROMIUM_ARGS, build_store, recipients, screenshot  # noqa: E402


def main(out_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    registry = LayoutRegistry(ROOT / "layouts" / "lsz-2018")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in (1024, 1440):
            # A store each: the first page holds its record open, the second would be shown the next one.
            with tempfile.TemporaryDirectory() as tmp:
                db = build_store(Path(tmp), registry, fax=True)
                out = out_dir / f"review-{width}.png"
                screenshot(browser, db, registry, recipients(Path(tmp)), width, out)
                print(out)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
