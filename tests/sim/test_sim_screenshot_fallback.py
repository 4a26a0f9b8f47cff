"""Without Pillow (the ``sim`` extra) the simulated phone still answers a screenshot: a
blank PNG of the screen's size, which any PNG reader opens."""

from __future__ import annotations

import io

from PIL import Image

from mobile_optout.sim.render import blank_png


def test_a_blank_screenshot_is_a_png_of_the_screens_size() -> None:
    image = Image.open(io.BytesIO(blank_png(1080, 2400)))
    image.load()  # decodes every row: a bad chunk or length fails here

    assert image.format == "PNG"
    assert image.size == (1080, 2400)
    assert image.getextrema() in ((255, 255), (1, 1))  # white throughout
