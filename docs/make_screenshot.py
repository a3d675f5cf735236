"""Take docs/review.png: the review page on a store with a faxed sheet that ticks two venues.

    .venv/bin/python docs/make_screenshot.py [OUT.png]

Builds a throw-away store through the real pipeline (a registration sheet printed with values,
rasterised like a fax at 200 dpi, parsed by OCR), serves the review page and photographs it with
Debian's chromium driven by Playwright.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formkit.layout.loader import LayoutRegistry  # noqa: E402
from formkit.pipeline import Options, run  # noqa: E402
from formkit.render.document import RenderOptions, render_to_bytes  # noqa: E402
from formkit.review.server import ReviewServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

FAX_VALUES = {
    "name": "Schulze, Petra", "institution": "Landratsamt Greiz, Jugendamt",
    "address": "Dr.-Rathenau-Platz 11\n07973 Greiz", "phone": "03661 876-0",
    "email": "petra.schulze@example.org", "venue_gotha": "1", "venue_schleiz": "1", "date": "05.04.2018",
}


def fax_png(registry: LayoutRegistry, values: dict[str, str], out: Path) -> None:
    """The sheet printed with *values* and rasterised in grey at 200 dpi (a clean fax or scan)."""
    pdf, _ = render_to_bytes("registration", registry, RenderOptions(values=values, fillable=False))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "sheet.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(src), str(out.with_suffix(""))],
                       check=True, capture_output=True, timeout=60)


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    registry = LayoutRegistry(ROOT / "layouts" / "lsz-2018")
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "eingang"
        inbox.mkdir()
        fax_png(registry, FAX_VALUES, inbox / "fax-0405-0931.png")
        db = Path(tmp) / "formkit.sqlite"
        run([inbox], Options(db=db, layouts=ROOT / "layouts" / "lsz-2018"))
        server = ReviewServer(db, registry)
        server.start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 1000}, device_scale_factor=1)
                page.goto(server.url)
                page.wait_for_selector("#f-name")
                page.wait_for_function("document.querySelector('.sheet img').complete")
                page.keyboard.press("Tab")  # focus moves to the next field: its zone lights up
                page.screenshot(path=str(out), full_page=True)
                browser.close()
        finally:
            server.stop()
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "review.png")
