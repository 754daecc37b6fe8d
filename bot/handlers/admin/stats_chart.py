"""The /stats chart: daily revenue and orders as a PNG, drawn in-process with matplotlib.

matplotlib is imported on the first chart, not when the bot starts, so start-up stays fast.
Only the object-oriented API is used (no pyplot and its global state), and a lock keeps one
drawing at a time, so rendering in a worker thread (asyncio.to_thread) is safe.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from decimal import Decimal

from bot.money import minor_exponent
from bot.services.stats import DayTotals
from bot.texts import admin as admin_texts

_drawing = threading.Lock()

WIDTH_INCHES, HEIGHT_INCHES, DPI = 9.0, 6.0, 110  # about 1000 x 660 pixels
MAX_TICKS = 12  # day labels under the chart; more would overlap


def daily_chart(days: Sequence[DayTotals], *, title: str) -> bytes:
    """Revenue per currency (lines, major units) above orders placed (bars), one point a day."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(days)))
    ticks = positions[:: max(1, -(-len(days) // MAX_TICKS))]
    currencies = sorted({currency for day in days for currency in day.revenue})
    with _drawing:
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        revenue, orders = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        figure.suptitle(title)
        highest = 0.0
        for currency in currencies:
            # Floats only here, for drawing: the figures themselves stay exact minor units.
            values = [_major(day.revenue.get(currency, 0), currency) for day in days]
            highest = max(highest, *values)
            revenue.plot(positions, values, marker="o" if len(days) <= 31 else "", label=currency)
        revenue.set_ylabel(admin_texts.CHART_REVENUE_AXIS)
        revenue.set_ylim(0, max(highest, 1.0) * 1.1)  # an empty shop still gets a sane axis
        revenue.grid(alpha=0.3)
        if currencies:
            revenue.legend(loc="upper left")
        orders.bar(positions, [day.orders for day in days], color="tab:gray")
        orders.set_ylabel(admin_texts.CHART_ORDERS_AXIS)
        orders.set_ylim(0, max(1, *(day.orders for day in days)) * 1.1)
        orders.yaxis.set_major_locator(MaxNLocator(integer=True))
        orders.grid(axis="y", alpha=0.3)
        orders.set_xticks(ticks, [admin_texts.chart_day(days[i].day) for i in ticks])
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _major(amount: int, currency: str) -> float:
    return float(Decimal(amount).scaleb(-minor_exponent(currency)))
