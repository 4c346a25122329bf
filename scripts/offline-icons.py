"""Draw the web app's icons once (docs/offline.md); the PNGs are committed, this is how they were made.

    .venv/bin/python scripts/offline-icons.py

The design is the logo (layanan/core/static/core/img/logo.svg) drawn flat: the regency green, the
gold crown and the white line. The maskable icon keeps the drawing inside the safe circle (80 %).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (11, 93, 59)
GOLD = (242, 194, 48)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "layanan" / "offline" / "static" / "offline"
CROWN = [
    (6, 21.5),
    (7.8, 12),
    (10.7, 16.8),
    (13.6, 9),
    (16, 15),
    (18.4, 9),
    (21.3, 16.8),
    (24.2, 12),
    (26, 21.5),
]


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # drawn large, then shrunk: smooth edges without an SVG renderer
    big = size * scale
    image = Image.new("RGB", (big, big), GREEN if maskable else WHITE)
    pen = ImageDraw.Draw(image)
    # The 32-unit logo, inset: the whole tile for "any", the safe zone for "maskable".
    inset = big * (0.14 if maskable else 0.0)
    unit = (big - 2 * inset) / 32

    def at(x: float, y: float) -> tuple[float, float]:
        return inset + x * unit, inset + y * unit

    if not maskable:
        image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        pen = ImageDraw.Draw(image)
        pen.rounded_rectangle(
            [at(1, 1), at(31, 31)], radius=7 * unit, fill=GREEN, outline=GOLD, width=round(2 * unit)
        )
    pen.polygon([at(x, y) for x, y in CROWN] + [at(21, 22.9), at(16, 23.3), at(11, 22.9)], fill=GOLD)
    pen.arc([at(7, 19.5), at(25, 26.2)], start=25, end=155, fill=WHITE, width=round(1.6 * unit))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # 16 colours are plenty for three flat colours and their smoothed edges: small files.
    for size in (192, 512):
        icon = draw(size, maskable=False).quantize(colors=16, method=Image.Quantize.FASTOCTREE)
        icon.save(OUT / f"icon-{size}.png", optimize=True)
    maskable = draw(512, maskable=True).quantize(colors=16)
    maskable.save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
