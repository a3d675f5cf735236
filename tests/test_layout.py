"""Layout loading and validation: the errors name the file, the key and what was expected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from formkit.errors import LayoutError
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import DocumentLayout, FormLayout
from formkit.layout.text import date_de, render_text, time_de

from .conftest import LAYOUTS


def _copy_layouts(tmp_path: Path) -> Path:
    root = tmp_path / "layouts"
    shutil.copytree(LAYOUTS, root)
    return root


def test_every_layout_loads(registry: LayoutRegistry) -> None:
    names = registry.names()
    assert {"invitation", "registration", "leitgedanken", "leitgedanken-blank"} <= set(names)
    for name in names:
        loaded = registry.get(name)
        assert isinstance(loaded.layout, DocumentLayout | FormLayout)


def test_registration_geometry_is_fax_safe(registry: LayoutRegistry) -> None:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    boxes = [f.box for f in form.fields if f.type == "checkbox"]
    assert len(boxes) == 4 and all(b.w >= 5 and b.h >= 5 for b in boxes)
    for f in form.fields:
        assert f.box.y >= 12, f.name
        if f.type == "text":
            assert f.box.h >= 10, f"{f.name}: handwriting needs at least 10 mm"
    assert all(r.y >= 12 for r in form.marks.rects())
    assert form.qr.box.y >= 12
    assert [f.value for f in form.groups()["venue"]] == ["Sonneberg", "Gotha", "Sondershausen", "Schleiz"]


def test_rect_with_three_numbers_is_named(tmp_path: Path) -> None:
    root = _copy_layouts(tmp_path)
    p = root / "registration.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("rect: [64, 88, 129, 13]", "rect: [64, 88, 129]"), "utf-8")
    with pytest.raises(LayoutError) as exc:
        LayoutRegistry(root).get("registration")
    msg = exc.value.message
    assert "registration.yaml" in msg and "fields[0].rect" in msg and "4 Zahlen" in msg


def test_unknown_key_and_bad_date_in_event_are_named(tmp_path: Path) -> None:
    root = _copy_layouts(tmp_path)
    ev = root / "event.yaml"
    text = ev.read_text(encoding="utf-8")
    ev.write_text(text.replace("deadline: 2018-04-11", "deadline: 2018-04-31"), "utf-8")
    with pytest.raises(LayoutError) as exc:
        LayoutRegistry(root).get("invitation")
    assert "event.yaml" in exc.value.message and "registration.deadline" in exc.value.message

    ev.write_text(text.replace("  venue: Landratsamt Gotha", "  venue: Landratsamt Gotha\n    vneue: x"), "utf-8")
    with pytest.raises(LayoutError) as exc:
        LayoutRegistry(root).get("registration")
    assert "meetings[1].vneue" in exc.value.message and "unbekannter Schlüssel" in exc.value.message


def test_bad_yaml_and_unknown_block(tmp_path: Path) -> None:
    root = _copy_layouts(tmp_path)
    (root / "broken.yaml").write_text("kind: document\nid: broken\n  version: [", "utf-8")
    with pytest.raises(LayoutError, match=r"broken.yaml: kein gültiges YAML \(Zeile"):
        LayoutRegistry(root).get("broken")
    (root / "odd.yaml").write_text(
        "kind: document\nid: odd\nversion: 1\ntitle: x\npages:\n  - blocks:\n      - {type: poem}\n", "utf-8")
    with pytest.raises(LayoutError, match=r"odd.yaml: pages\[0\]"):
        LayoutRegistry(root).get("odd")


def test_checkbox_smaller_than_5mm_rejected(tmp_path: Path) -> None:
    root = _copy_layouts(tmp_path)
    p = root / "registration.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("  area: [24, 194, 169, 44]", "  area: [24, 194, 169, 44]\n  box: 4"),
                 "utf-8")
    with pytest.raises(LayoutError, match=r"venue_choice.box"):
        LayoutRegistry(root).get("registration")
    extra = "  - {name: newsletter, type: checkbox, label: Newsletter, tooltip: Newsletter, rect: [150, 252, 4, 4]}\n"
    text = p.read_text(encoding="utf-8").replace("\n  box: 4", "").replace("\n# One check box", "\n" + extra + "# One check box")
    p.write_text(text, "utf-8")
    with pytest.raises(LayoutError, match=r"fields\[6\].rect: Ankreuzfelder"):
        LayoutRegistry(root).get("registration")


def test_missing_layout_lists_known(registry: LayoutRegistry) -> None:
    with pytest.raises(LayoutError, match="vorhanden: .*registration"):
        registry.get("does-not-exist")


def test_german_formatting() -> None:
    import datetime as dt

    assert date_de(dt.date(2018, 5, 2)) == "2. Mai 2018"
    assert time_de("09:30") == "9.30 Uhr"
    assert render_text("A & **{{ x }}**", {"x": "<b>"}) == "A &amp; <b>&lt;b&gt;</b>"


def test_values_from_people_are_never_run_as_templates() -> None:
    from formkit.layout.text import mark_templates

    ctx = mark_templates({"registration": {"deadline": "2018-04-11", "text": "bis {{ registration.deadline }}"}})
    # A layout's own template text is expanded …
    assert render_text("{{ registration.text }}", ctx) == "bis 2018-04-11"
    # … a registrant's value is printed as written, whatever it contains.
    ctx["recipient"] = {"name": "{{ registration.deadline }} {% for x in [1] %}x{% endfor %} <b>"}
    assert render_text("{{ recipient.name }}", ctx) == "{{ registration.deadline }} {% for x in [1] %}x{% endfor %} &lt;b&gt;"


def test_template_error_names_the_layout_file(registry: LayoutRegistry) -> None:
    from formkit.render.document import render_to_bytes

    with pytest.raises(LayoutError, match=r"confirmation.yaml: pages\[0\]: Vorlage .*: unbekannter Name „meeting“"):
        render_to_bytes("confirmation", registry)
