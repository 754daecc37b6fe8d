"""A customer shops in the storefront on a phone, from a category to the "paid" message, with
one cart and one order shared with the chat; a forged or expired sign-in gets nowhere."""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import Browser, Page, expect
from sqlalchemy import func, select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.models import CartItem, Order, OrderStatus, Size
from bot.services import cart as carts
from bot.services import product as products
from bot.services import shipping
from bot.services import user as users
from bot.services.shipping import ShippingTerms
from bot.usecases.customers import Sender, shopper
from tests.browser.conftest import open_storefront, screenshot
from tests.factories import make_category, make_product
from tests.fakes.stripe_shop import HOME, paid_event, post_event
from tests.fakes.webapp import init_data

ANN = 42
PAID = "We received €49.99 for order #1"


async def _catalogue(db: Database) -> tuple[int, int, int]:
    """Sneakers (Court Sneakers, two sizes) and Caps; returns the category, product and 42."""
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        caps = await make_category(session, "Caps")
        court = await make_product(
            session, name="Court Sneakers", category=shoes, price=4999, sizes={"42": 3, "43": 0}
        )
        await make_product(session, name="Runner", category=shoes, price=5999)
        await make_product(session, name="Trucker Cap", category=caps, price=1999)
        await products.bump_catalog_revision(session)
        size = await session.scalar(
            select(Size.id).where(Size.product_id == court.id, Size.name == "42")
        )
        assert size is not None
        return shoes.id, court.id, size


async def _opened_link(page: Page) -> str:
    """The link the page asked Telegram to open (the CSP forbids waiting on page-side eval)."""
    for _ in range(100):
        opened: list[str] = await page.evaluate("window.__telegram.opened")
        if opened:
            return opened[0]
        await asyncio.sleep(0.1)
    raise AssertionError("the page opened no link")


async def _tap(page: Page, test_id: str) -> None:
    await page.get_by_test_id(test_id).click()


async def test_a_customer_shops_and_pays_in_the_storefront(
    storefront_shop: ShopApplication, browser: Browser, db: Database, emulator: BotApiEmulator
) -> None:
    shoes, court, size = await _catalogue(db)
    page = await open_storefront(
        browser, storefront_shop, init_data(storefront_shop.bot.token, telegram_id=ANN)
    )

    await expect(page.get_by_test_id(f"category-{shoes}")).to_be_visible()
    await screenshot(page, "storefront-1-home")
    await _tap(page, f"category-{shoes}")
    await expect(page.get_by_test_id(f"product-{court}")).to_be_visible()
    await screenshot(page, "storefront-2-category")
    await page.evaluate("window.Telegram.WebApp.BackButton.click()")  # Telegram's back button
    await page.get_by_test_id("search-input").fill("snekers")
    await expect(page.get_by_test_id(f"search-result-{court}")).to_be_visible()
    await _tap(page, f"search-result-{court}")
    await _tap(page, f"size-{size}")
    await screenshot(page, "storefront-3-product")
    await _tap(page, "add-to-cart")
    await expect(page.get_by_test_id("cart-pill")).to_contain_text("1")

    chat = emulator.user(ANN, "Ann")
    await chat.send("/cart")
    assert "Court Sneakers" in (await chat.next_message()).content

    await _tap(page, "cart-pill")
    await expect(page.get_by_test_id(f"cart-line-{size}")).to_contain_text("Court Sneakers")
    await screenshot(page, "storefront-4-cart")
    await _tap(page, "checkout")
    await _tap(page, "new-address")
    for field, value in {
        "recipient_name": "Ann Example",
        "phone": "+49 30 1234567",
        "street": "Main St 1",
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
    }.items():
        await page.get_by_test_id(f"field-{field}").fill(value)
    await screenshot(page, "storefront-5-address")
    await _tap(page, "save-address")
    await expect(page.get_by_test_id("place-order")).to_be_visible()
    await screenshot(page, "storefront-6-summary")
    await _tap(page, "place-order")
    await expect(page.get_by_test_id("pay")).to_be_visible()
    await _tap(page, "pay")
    pay_url = await _opened_link(page)

    async with db.reading() as session:
        order = (await session.scalars(select(Order))).one()
    session_id = pay_url.rsplit("/", 1)[-1]
    event = paid_event(session_id=session_id, order_id=order.id, amount=4999, currency="eur")
    assert await post_event(storefront_shop, event) == 200

    await expect(page.get_by_test_id("order-status")).to_contain_text(
        texts.statuses.status_label(OrderStatus.PAID), timeout=15_000
    )
    await screenshot(page, "storefront-7-paid")
    paid = await chat.next_message(timeout=15)
    assert PAID in paid.content


async def test_a_forged_or_expired_sign_in_shows_an_error_and_changes_nothing(
    storefront_shop: ShopApplication, browser: Browser, db: Database
) -> None:
    shoes, _, _ = await _catalogue(db)
    token = storefront_shop.bot.token
    signs = {
        "forged": init_data(token, telegram_id=ANN, forge=True),
        "expired": init_data(token, telegram_id=ANN, auth_date=int(time.time()) - 90_000),
    }

    for name, signed in signs.items():
        page = await open_storefront(browser, storefront_shop, signed)
        await expect(page.get_by_test_id("fatal-error")).to_contain_text(
            "Please open the shop from the bot in Telegram."
        )
        await expect(page.get_by_test_id(f"category-{shoes}")).to_have_count(0)
        await screenshot(page, f"storefront-refused-{name}")

    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(CartItem)) == 0


async def test_a_product_with_several_photos_shows_them_as_a_strip_to_swipe(
    storefront_shop: ShopApplication, browser: Browser, db: Database
) -> None:
    photos = tuple(f"https://shop.example/court-{side}.jpg" for side in ("front", "side", "back"))
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        court = await make_product(session, name="Court Sneakers", category=shoes, photos=photos)
        await products.bump_catalog_revision(session)
    page = await open_storefront(
        browser, storefront_shop, init_data(storefront_shop.bot.token, telegram_id=ANN)
    )

    await _tap(page, f"category-{shoes.id}")
    await _tap(page, f"product-{court.id}")

    await expect(page.get_by_test_id("gallery").locator(".photo")).to_have_count(3)
    await expect(page.get_by_test_id("gallery-counter")).to_have_text("1 / 3")


async def test_a_customer_picks_a_delivery_option_on_the_page_s_summary(
    storefront_shop: ShopApplication, browser: Browser, db: Database
) -> None:
    _, court, size = await _catalogue(db)
    async with db.transaction() as session:
        ann = await shopper(session, Sender(ANN, "Ann"))
        address = await users.add_address(session, user_id=ann.id, address=HOME)
        await carts.add_item(session, user_id=ann.id, product_id=court, size_id=size)
        for name, price, countries in (("DHL", 490, ("DE",)), ("Royal Mail", 300, ("GB",))):
            await shipping.add_option(
                session,
                admin_id=1,
                terms=ShippingTerms(name=name, price=price, countries=countries),
                currency="EUR",
            )
        express = await shipping.add_option(
            session, admin_id=1, terms=ShippingTerms(name="Express", price=1200), currency="EUR"
        )
    page = await open_storefront(
        browser, storefront_shop, init_data(storefront_shop.bot.token, telegram_id=ANN)
    )

    await _tap(page, "cart-pill")
    await _tap(page, "checkout")
    await _tap(page, f"address-{address.id}")
    await expect(page.get_by_test_id("shipping-1")).to_contain_text("DHL · €4.90")
    await expect(page.get_by_test_id(f"shipping-{express.id}")).to_be_visible()
    await expect(page.get_by_test_id("shipping-2")).to_have_count(0)  # Royal Mail: not to DE
    await expect(page.get_by_test_id("place-order")).to_be_disabled()
    await _tap(page, "shipping-1")
    await expect(page.get_by_test_id("summary-shipping")).to_have_text("🚚 Delivery (DHL): €4.90")
    await expect(page.get_by_test_id("summary-total")).to_contain_text("€54.89")
    await screenshot(page, "storefront-shipping")
    await _tap(page, "place-order")
    await expect(page.get_by_test_id("pay")).to_be_visible()
    await expect(page.get_by_test_id("order-shipping")).to_have_text("🚚 Delivery (DHL): €4.90")

    async with db.reading() as session:
        order = (await session.scalars(select(Order))).one()
    assert (order.shipping_name, order.shipping_price, order.total) == ("DHL", 490, 5489)
