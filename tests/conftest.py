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
