"""Shared fixtures: the project's layouts and a rendered registration sheet."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.render.document import RenderOptions, render_to_bytes

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "layouts" / "lsz-2018"  # the 2018 campaign folder
CAMPAIGNS = ROOT / "layouts"  # every sample campaign
SHARED = ROOT.parent / "shared"

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(scope="session")
def registry() -> LayoutRegistry:
    return LayoutRegistry(LAYOUTS)


@pytest.fixture(scope="session")
def registration_pdf(registry: LayoutRegistry) -> bytes:
    data, _ = render_to_bytes("registration", registry)
    return data


@pytest.fixture(scope="session")
def invitation_pdf(registry: LayoutRegistry) -> bytes:
    data, _ = render_to_bytes("invitation", registry)
    return data


@pytest.fixture
def render(registry: LayoutRegistry):  # type: ignore[no-untyped-def]
    def _render(name: str, **kw: object) -> bytes:
        data, _ = render_to_bytes(name, registry, RenderOptions(**kw))  # type: ignore[arg-type]
        return data

    return _render


# --- the inner loop: `pytest -m "not slow"` (< 30 s); `make test` runs everything -------------
# Long round trips are marked here, in one place, besides the tests marked where they stand:
# OCR and registration of faxes and scans, pdftk (a JVM start a call), the browser, the real
# IMAP and SMTP servers (a dovecot and an aiosmtpd a test), and the pipeline tests over the mixed
# inbox (faxes included).
SLOW_MODULES = {"test_scan_register", "test_scan_ocr", "test_scan_ticks", "test_scan_samples", "test_fuzz",
                "test_fetch", "test_send"}
SLOW_TESTS = {"test_image_page_with_text_goes_to_ocr", "test_corpus_every_file_accounted_for_none_ours",
              "test_kill_9_midway_then_rerun_gives_the_same_records", "test_python_dash_m_and_version",
              "test_qr_on_rendered_pages_gives_the_id", "test_a_large_page_is_rendered_within_the_pixel_bound",
              "test_rotated_flattened_sheet_is_read_in_its_own_space", "test_flattened_invitation_keeps_recipient_id"}
SLOW_FIXTURES = {"inbox"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
        name = getattr(item, "originalname", item.name)
        if (module in SLOW_MODULES or name in SLOW_TESTS or "pdftk" in item.name
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("browser")):
            item.add_marker(pytest.mark.slow)
