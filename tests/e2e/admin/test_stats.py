from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.models import OrderStatus, Size
from tests.conftest import OWNER_ID
from tests.factories import make_order, make_product, make_user

ANN = 42
# The first chart imports matplotlib and may build its font cache: give it time.
CHART_TIMEOUT = 60.0
USAGE = "Usage: /stats [days, 1 to 365]"


async def _orders_today(db: Database) -> None:
    """Sneakers bought twice today (one order paid, one cancelled), a cap paid in dollars."""
    async with db.transaction() as session:
        sneakers = await make_product(session, name="Classic Sneakers", sizes={"M": 2})
        cap = await make_product(
            session, name="Cap", price=1500, currency="USD", sizes={"One size": 9}
        )
        ann = await make_user(session, telegram_id=ANN, first_name="Ann")
        for product, status in (
            (sneakers, OrderStatus.PAID),
            (sneakers, OrderStatus.CANCELLED),
            (cap, OrderStatus.SHIPPED),
        ):
            size = (await session.scalars(select(Size).where(Size.product_id == product.id))).one()
            await make_order(session, user=ann, product=product, size=size, status=status)


async def _download(app: ShopApplication, photo: Message) -> bytes:
    assert photo.photo is not None
    file = await app.bot.get_file(photo.photo[-1]["file_id"])
    return bytes(await file.download_as_bytearray())


def _png_size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        image.verify()  # raises on a truncated or corrupt file
        return image.size


async def test_stats_shows_today_the_week_and_the_month_and_a_chart(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _orders_today(db)
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send("/stats")
    report = (await owner.next_message()).text or ""
    blocks = {block.split(" (", 1)[0]: block.splitlines()[1:] for block in report.split("\n\n")}
    for title in ("Today", "Last 7 days", "Last 30 days"):
        assert blocks[title] == [
            "Orders: 3 placed — 2 paid, 0 awaiting payment, 1 cancelled or refunded",
            "Revenue: €49.99 from 1 order, average €49.99",
            "Revenue: $15.00 from 1 order, average $15.00",
        ]
    assert "1. Cap — 1 sold, $15.00\n2. Classic Sneakers — 1 sold, €49.99" in report
    assert "Classic Sneakers · M — 2 left" in report
    assert "pending, cancelled and refunded orders are left out" in report

    chart = await owner.next_message(timeout=CHART_TIMEOUT)
    assert chart.caption == "📈 Daily revenue and orders, last 30 days (UTC)"
    width, height = _png_size(await _download(admin_shop, chart))
    assert chart.photo is not None
    assert (width, height) == (chart.photo[-1]["width"], chart.photo[-1]["height"])
    assert width > 500 and height > 300


async def test_stats_for_a_number_of_days_covers_just_that_period(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _orders_today(db)
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send("/stats 90")
    report = (await owner.next_message()).text or ""
    assert "Last 90 days" in report and "Today" not in report and "Last 7 days" not in report
    assert "Top products, last 90 days" in report
    chart = await owner.next_message(timeout=CHART_TIMEOUT)
    assert chart.caption == "📈 Daily revenue and orders, last 90 days (UTC)"
    _png_size(await _download(admin_shop, chart))


async def test_stats_of_an_empty_shop_says_so_and_still_draws_the_chart(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send("/stats 1")
    report = (await owner.next_message()).text or ""
    assert "Orders: 0 placed\nRevenue: none" in report
    assert "No paid orders." in report
    chart = await owner.next_message(timeout=CHART_TIMEOUT)
    _png_size(await _download(admin_shop, chart))


@pytest.mark.parametrize("arguments", ["0", "366", "-5", "week", "7 30", "1.5"])
async def test_bad_days_get_the_usage_line_and_no_chart(
    admin_shop: ShopApplication, emulator: BotApiEmulator, arguments: str
) -> None:
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send(f"/stats {arguments}")
    assert (await owner.next_message()).text == USAGE
    assert emulator.calls_to("sendPhoto") == []


async def test_a_customer_cannot_see_the_stats(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _orders_today(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/stats")
    assert (await ann.next_message()).text == texts.UNKNOWN_COMMAND
    await emulator.wait_until_fetched()
    assert emulator.calls_to("sendPhoto") == []
