"""Helpers for the campaign tests: make a campaign by copying a folder and editing its event file,
fill a sheet the way other programs do (pypdf, PyMuPDF) and fax it with Ghostscript's fax driver.

Kept here (not in bench/) so that the tests stand on their own.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

from formkit.campaign import copy_campaign

from .conftest import LAYOUTS
from .fill import fill_pymupdf, fill_pypdf

__all__ = ["fill_pymupdf", "fill_pypdf"]  # the campaign tests fill with the shared fillers

# Thuringian towns for generated meetings (city, postcode).
TOWNS = [("Jena", "07743"), ("Erfurt", "99084"), ("Weimar", "99423"), ("Gera", "07545"), ("Suhl", "98527"),
         ("Eisenach", "99817"), ("Nordhausen", "99734"), ("Altenburg", "04600"), ("Ilmenau", "98693"),
         ("Saalfeld", "07318")]


def meeting(i: int, year: int) -> dict[str, Any]:
    city, postcode = TOWNS[i]
    return {"id": city.lower(), "city": city, "date": (dt.date(year, 4, 2) + dt.timedelta(days=3 * i)).isoformat(),
            "region": "Thüringen", "invited": f"Landkreise um {city}", "venue": f"Rathaus {city}",
            "street": "Markt 1", "postcode": postcode, "room": "Ratssaal", "parking": "am Markt",
            "capacity": 30 + i}


def make_campaign(tmp: Path, campaign_id: str, n_meetings: int, year: int = 2020) -> Path:
    """A copy of the 2018 campaign folder whose event file has *n_meetings* other meetings."""
    target = tmp / campaign_id
    event = copy_campaign(LAYOUTS, target, campaign_id)
    data = yaml.safe_load(event.read_text(encoding="utf-8"))
    data["meetings"] = [meeting(i, year) for i in range(n_meetings)]
    data["registration"]["deadline"] = f"{year}-03-20"
    data["letter"]["date"] = f"{year}-03-01"
    event.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def person(venue_field: str, **over: str) -> dict[str, str]:
    v = {"name": "Käthe Groß", "institution": "Landratsamt Weimarer Land", "address": "Bahnhofstraße 28\n99510 Apolda",
         "phone": "03644 540-0", "email": "k.gross@weimarer-land.de", "date": "12.03.2020", venue_field: "1"}
    v.update(over)
    return v


def fax(pdf: bytes, page: int = 1, mode: str = "fine") -> Image.Image:
    """The page as a fax driver sends it: Ghostscript's tiffg3 device, fine (204x196) or normal mode."""
    res = "204x196" if mode == "fine" else "204x98"
    with tempfile.TemporaryDirectory(prefix="fk-fax-") as tmp:
        src, out = Path(tmp) / "in.pdf", Path(tmp) / "out.tif"
        src.write_bytes(pdf)
        subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffg3", f"-r{res}",
                        f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={out}", str(src)],
                       check=True, capture_output=True, timeout=60)
        im = Image.open(out)
        im.load()
        return im


def fax_file(pdf: bytes, target: Path, mode: str = "fine") -> Path:
    fax(pdf, mode=mode).save(target, format="TIFF", compression="group4",
                             dpi=(204, 196 if mode == "fine" else 98))
    return target
