"""Product pictures for the demo shop, drawn when it is seeded: a flat drawing of the garment in
its colour, with the brand and the model's name. Nothing is downloaded; the same product always
gets the same bytes, and a picture already on disk is kept as it is.

Pillow (which matplotlib installs, and uses to write PNGs) draws them: matplotlib takes about
25 ms a picture, too slow for 56 of them on a first run; Pillow takes under 10 ms.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 480
_SCALE = 2  # drawn twice as large, then scaled down: smooth edges without antialiasing
_BACKGROUND = (246, 243, 238)
_SHADOW = (226, 221, 212)
_INK = (52, 50, 48)
_MUTED = (128, 122, 114)

COLOUR_RGB = {
    "Black": (38, 38, 42),
    "White": (250, 250, 248),
    "Navy": (34, 48, 92),
    "Olive": (108, 114, 58),
    "Grey": (134, 137, 142),
    "Sand": (208, 188, 148),
    "Burgundy": (124, 32, 52),
    "Forest Green": (36, 88, 56),
}

Colour = tuple[int, int, int]
Points = Sequence[tuple[float, float]]


class _Canvas:
    """Coordinates in a 480×480 picture; the drawing happens at _SCALE."""

    def __init__(self, fill: Colour) -> None:
        self.image = Image.new("RGB", (SIZE * _SCALE, SIZE * _SCALE), _BACKGROUND)
        self.draw = ImageDraw.Draw(self.image)
        self.fill = fill
        self.edge = _mix(fill, (0, 0, 0), 0.35) if _light(fill) else _mix(fill, (0, 0, 0), 0.45)
        self.detail = _mix(fill, (0, 0, 0), 0.18) if _light(fill) else _mix(fill, (255,) * 3, 0.22)

    def shape(self, points: Points, fill: Colour | None = None) -> None:
        scaled = [(x * _SCALE, y * _SCALE) for x, y in points]
        self.draw.polygon(scaled, fill=fill or self.fill, outline=self.edge, width=3 * _SCALE)

    def oval(self, box: tuple[float, float, float, float], fill: Colour | None = None) -> None:
        self.draw.ellipse(
            [v * _SCALE for v in box], fill=fill or self.fill, outline=self.edge, width=3 * _SCALE
        )

    def chord(self, box: tuple[float, float, float, float], start: float, end: float) -> None:
        self.draw.chord(
            [v * _SCALE for v in box],
            start,
            end,
            fill=self.fill,
            outline=self.edge,
            width=3 * _SCALE,
        )

    def line(self, points: Points, width: float = 3, fill: Colour | None = None) -> None:
        scaled = [(x * _SCALE, y * _SCALE) for x, y in points]
        self.draw.line(scaled, fill=fill or self.detail, width=round(width * _SCALE), joint="curve")

    def shadow(self, left: float, right: float, y: float) -> None:
        self.draw.ellipse(
            [left * _SCALE, (y - 9) * _SCALE, right * _SCALE, (y + 9) * _SCALE], fill=_SHADOW
        )


def _tee(c: _Canvas) -> None:
    c.shadow(150, 330, 336)
    c.shape([(205, 78), (150, 92), (88, 150), (122, 190), (160, 168), (160, 328), (320, 328),
             (320, 168), (358, 190), (392, 150), (330, 92), (275, 78), (258, 94), (240, 99),
             (222, 94)])  # fmt: skip
    c.line([(205, 78), (222, 94), (240, 99), (258, 94), (275, 78)], 4)
    c.line([(130, 178), (104, 152)], 2)
    c.line([(350, 178), (376, 152)], 2)


def _long_sleeved_body(c: _Canvas) -> None:
    c.shadow(100, 380, 336)
    c.shape([(205, 82), (150, 96), (112, 160), (92, 300), (128, 306), (150, 192), (158, 186),
             (158, 328), (322, 328), (322, 186), (330, 192), (352, 306), (388, 300), (368, 160),
             (330, 96), (275, 82)])  # fmt: skip
    c.line([(96, 282), (130, 288)], 3)
    c.line([(350, 288), (384, 282)], 3)
    c.line([(158, 306), (322, 306)], 3)


def _hoodie(c: _Canvas) -> None:
    _long_sleeved_body(c)
    c.shape([(200, 96), (196, 60), (214, 36), (240, 30), (266, 36), (284, 60), (280, 96),
             (262, 120), (240, 126), (218, 120)])  # fmt: skip
    c.shape([(218, 84), (222, 58), (240, 50), (258, 58), (262, 84), (240, 104)], c.detail)
    c.line([(230, 118), (228, 170)], 2.5)
    c.line([(250, 118), (252, 170)], 2.5)
    c.shape([(190, 230), (290, 230), (306, 290), (174, 290)], c.fill)
    c.line([(190, 230), (174, 290)], 3)
    c.line([(290, 230), (306, 290)], 3)


def _jacket(c: _Canvas) -> None:
    _long_sleeved_body(c)
    c.shape([(205, 82), (240, 150), (196, 124), (184, 94)], c.detail)
    c.shape([(275, 82), (240, 150), (284, 124), (296, 94)], c.detail)
    c.line([(240, 150), (240, 326)], 3)
    for y in (180, 220, 260, 300):
        c.oval((235, y - 5, 245, y + 5), c.detail)
    c.line([(176, 180), (216, 180)], 3)
    c.line([(264, 180), (304, 180)], 3)


def _jeans(c: _Canvas) -> None:
    c.shadow(150, 330, 346)
    c.shape([(172, 56), (308, 56), (326, 340), (256, 340), (240, 150), (224, 340), (154, 340)])
    c.shape([(172, 56), (308, 56), (309, 78), (171, 78)], c.detail)
    c.line([(240, 78), (240, 150)], 2.5)
    c.line([(176, 96), (206, 90), (214, 78)], 2.5)
    c.line([(304, 96), (274, 90), (266, 78)], 2.5)
    c.line([(160, 318), (226, 318)], 2)
    c.line([(254, 318), (320, 318)], 2)


def _cap(c: _Canvas) -> None:
    c.shadow(100, 400, 262)
    c.shape([(232, 224), (396, 222), (404, 236), (380, 252), (300, 256), (232, 246)], c.detail)
    c.chord((106, 100, 346, 340), 180, 360)
    c.line([(226, 102), (212, 218)], 2.5)
    c.line([(226, 102), (278, 214)], 2.5)
    c.oval((218, 92, 234, 106), c.detail)
    c.line([(110, 212), (342, 212)], 3)


def _sneaker(c: _Canvas) -> None:
    sole = (250, 250, 248) if c.fill != (250, 250, 248) else (204, 196, 182)
    c.shadow(86, 410, 296)
    c.shape([(88, 146), (138, 116), (190, 136), (224, 122), (304, 186), (384, 214), (406, 246),
             (400, 264), (96, 264)])  # fmt: skip
    c.shape([(84, 260), (406, 260), (410, 276), (396, 290), (96, 290), (82, 278)], sole)
    for step in range(4):
        x = 218 + step * 22
        c.line([(x, 140 + step * 16), (x + 20, 158 + step * 16)], 3)
    c.line([(96, 236), (230, 236), (300, 246), (380, 246)], 2)
    c.oval((102, 156, 128, 182), c.detail)


def _belt(c: _Canvas) -> None:
    c.shadow(90, 390, 300)
    c.shape([(60, 190), (420, 190), (420, 246), (60, 246)])
    c.draw.rectangle(
        [150 * _SCALE, 172 * _SCALE, 222 * _SCALE, 264 * _SCALE],
        outline=(150, 150, 156),
        width=10 * _SCALE,
    )
    c.line([(186, 218), (240, 218)], 6, (150, 150, 156))
    for x in (280, 310, 340):
        c.oval((x - 5, 213, x + 5, 223), c.detail)
    c.line([(60, 200), (420, 200)], 1.5)
    c.line([(60, 236), (420, 236)], 1.5)


def _tote(c: _Canvas) -> None:
    c.shadow(130, 350, 346)
    c.line([(180, 150), (188, 70), (232, 62), (240, 150)], 10, c.edge)
    c.line([(240, 150), (248, 62), (292, 70), (300, 150)], 10, c.edge)
    c.shape([(130, 140), (350, 140), (364, 340), (116, 340)])
    c.shape([(196, 200), (284, 200), (288, 270), (192, 270)], c.detail)


def _beanie(c: _Canvas) -> None:
    c.shadow(130, 350, 326)
    c.oval((222, 40, 258, 76), c.detail)
    c.chord((130, 66, 350, 346), 180, 360)
    for x in range(160, 340, 22):
        c.line([(x, 118 if 190 < x < 300 else 160), (x, 232)], 2)
    c.shape([(124, 226), (356, 226), (356, 318), (124, 318)], c.detail)
    for x in range(140, 356, 20):
        c.line([(x, 232), (x, 312)], 2, c.fill)


def _socks(c: _Canvas) -> None:
    for shift in (-46, 46):
        c.shape([(200 + shift, 60), (262 + shift, 60), (262 + shift, 250), (256 + shift, 294),
                 (224 + shift, 316), (152 + shift, 316), (140 + shift, 292), (158 + shift, 266),
                 (200 + shift, 246)])  # fmt: skip
        c.shape([(200 + shift, 60), (262 + shift, 60), (262 + shift, 98), (200 + shift, 98)],
                c.detail)  # fmt: skip
        c.line([(148 + shift, 282), (184 + shift, 300)], 3)


def _plain(c: _Canvas) -> None:
    c.oval((130, 80, 350, 300))


# The demo ranges' codes, and the Accessories models one by one.
_DRAWINGS: dict[str, Callable[[_Canvas], None]] = {
    "SNK": _sneaker,
    "TEE": _tee,
    "HOD": _hoodie,
    "JNS": _jeans,
    "CAP": _cap,
    "JKT": _jacket,
    "ACC-01": _belt,
    "ACC-02": _tote,
    "ACC-03": _beanie,
    "ACC-04": _socks,
}


def draw(sku: str, colour: str, brand: str, model: str) -> bytes:
    """The PNG for one product: its shape by the SKU's range (and model, for accessories)."""
    canvas = _Canvas(COLOUR_RGB.get(colour, (150, 150, 150)))
    sketch = _DRAWINGS.get(sku[:6]) or _DRAWINGS.get(sku[:3]) or _plain
    sketch(canvas)
    image = canvas.image.reduce(_SCALE)
    text = ImageDraw.Draw(image)
    _centred(text, brand.upper(), 384, 17, _MUTED, bold=False)
    _centred(text, model, 416, 27, _INK, bold=True)
    _centred(text, colour, 452, 19, _MUTED, bold=False)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def save(path: Path, content: Callable[[], bytes]) -> Path:
    """The picture at `path`, drawn only if it isn't there yet; written whole or not at all."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(content())
    partial.replace(path)
    return path


def _centred(
    draw: ImageDraw.ImageDraw, text: str, y: float, size: int, fill: Colour, *, bold: bool
) -> None:
    font = _font(size, bold)
    while draw.textlength(text, font=font) > SIZE - 48 and size > 12:
        size -= 1
        font = _font(size, bold)
    draw.text((SIZE / 2, y), text, font=font, fill=fill, anchor="mm")


_fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}


def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans, which matplotlib ships; Pillow's own font if it can't be found."""
    key = (size, bold)
    if key not in _fonts:
        try:
            _fonts[key] = ImageFont.truetype(str(_dejavu(bold)), size)
        except OSError:
            _fonts[key] = ImageFont.load_default(size)
    return _fonts[key]


def _dejavu(bold: bool) -> Path:
    import matplotlib  # only for the path of its fonts, and only when drawing

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


def _mix(colour: Colour, other: Sequence[int], share: float) -> Colour:
    r, g, b = (round(a + (o - a) * share) for a, o in zip(colour, other, strict=True))
    return (r, g, b)


def _light(colour: Colour) -> bool:
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b > 140
