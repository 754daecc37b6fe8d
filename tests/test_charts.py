from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta

from PIL import Image

from bot.handlers.admin.stats_chart import daily_chart
from bot.services.stats import DayTotals

LAST_DAY = date(2026, 3, 14)


def _days(count: int, revenue: dict[str, int]) -> list[DayTotals]:
    return [
        DayTotals(LAST_DAY - timedelta(days=count - 1 - n), n % 4, revenue if n % 2 else {})
        for n in range(count)
    ]


def _png(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        image.verify()
        return image.size


def test_a_chart_is_a_png_for_one_day_a_month_and_a_year() -> None:
    for count in (1, 30, 365):
        content = daily_chart(_days(count, {"EUR": 4999, "JPY": 1200}), title="Test")
        assert _png(content) == (990, 660)


def test_a_shop_without_sales_still_gets_a_chart() -> None:
    assert _png(daily_chart(_days(7, {}), title="Nothing sold")) == (990, 660)


def test_the_bot_starts_without_loading_matplotlib() -> None:
    """matplotlib takes a second or two to import: only the first /stats should pay for it."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.app; print('matplotlib' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
