"""A customer saves a product and asks about a sold-out size on its page, finds it in the
wishlist, and checks it out with a promo code (a wrong one refused under the field first);
a cart of digital goods goes without an address to an invoice in Telegram Stars."""

from __future__ import annotations

import asyncio

from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.models import Order, Size
from bot.services import digital
from bot.services import product as products
from bot.services import promo as promos
from bot.services.digital import DigitalContent
from bot.services.promo import PromoTerms
from tests.browser.conftest import open_storefront, screenshot
from tests.factories import make_category, make_product
from tests.fakes.webapp import init_data

ANN = 42
ADDRESS = {
    "recipient_name": "Ann Example",
    "phone": "+49 30 1234567",
    "street": "Main St 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


async def test_a_customer_saves_a_product_and_checks_it_out_with_a_promo_code(
    storefront_shop: ShopApplication, browser: Browser, db: Database
) -> None:
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        court = await make_product(
            session, name="Court Sneakers", category=shoes, price=4999, sizes={"42": 3, "43": 0}
        )
        await products.bump_catalog_revision(session)
        rows = await session.execute(select(Size.name, Size.id).where(Size.product_id == court.id))
        sizes = {name: size_id for name, size_id in rows.all()}
        await promos.add_code(
            session, admin_id=1, code="SPRING10", terms=PromoTerms(percent_off=10), currency="EUR"
        )
    page = await open_storefront(
        browser, storefront_shop, init_data(storefront_shop.bot.token, telegram_id=ANN)
    )

    async def tap(test_id: str) -> None:
        await page.get_by_test_id(test_id).click()

    await tap(f"category-{shoes.id}")
    await tap(f"product-{court.id}")
    await tap("save")
    await expect(page.get_by_test_id("save")).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_test_id("save")).to_have_text("♥ Saved")
    await tap(f"notify-{sizes['43']}")
    await expect(page.get_by_test_id(f"notify-{sizes['43']}")).to_have_text(
        "🔔 We'll tell you when 43 is back"
    )
    await screenshot(page, "storefront-wishlist-1-product")

    await page.evaluate("window.Telegram.WebApp.BackButton.click()")
    await page.evaluate("window.Telegram.WebApp.BackButton.click()")
    await tap("wishlist-link")
    saved = page.get_by_test_id(f"saved-{court.id}")
    await expect(saved).to_contain_text("Court Sneakers")
    await expect(saved).to_contain_text("€49.99 · in stock: 42")
    await screenshot(page, "storefront-wishlist-2-list")
    await tap(f"open-{court.id}")
    await expect(page.get_by_test_id("product-name")).to_have_text("Court Sneakers")
    await tap("add-to-cart")  # 42, the only size in stock, is chosen already
    await expect(page.get_by_test_id("cart-pill")).to_contain_text("1")

    await tap("cart-pill")
    await tap("checkout")
    for field, value in ADDRESS.items():
        await page.get_by_test_id(f"field-{field}").fill(value)
    await tap("save-address")
    await page.get_by_test_id("promo-input").fill("nope")
    await tap("apply-promo")
    await expect(page.get_by_test_id("promo-error")).to_have_text(
        "There is no promo code “NOPE”. Please check how it is spelled."
    )
    await page.get_by_test_id("promo-input").fill("spring10")
    await tap("apply-promo")
    await expect(page.get_by_test_id("summary-total")).to_contain_text("€44.99")
    await expect(page.get_by_test_id("summary-promo").last).to_contain_text("SPRING10")
    await expect(page.get_by_test_id("remove-promo")).to_be_visible()
    await screenshot(page, "storefront-wishlist-3-promo")
    await tap("place-order")

    await expect(page.get_by_test_id("order-total")).to_contain_text("€44.99")
    async with db.reading() as session:
        order = (await session.scalars(select(Order))).one()
    assert (order.total, order.promo_code) == (4499, "SPRING10")


async def test_a_digital_cart_skips_the_address_and_is_paid_in_stars_from_the_page(
    storefront_shop: ShopApplication, browser: Browser, db: Database, emulator: BotApiEmulator
) -> None:
    async with db.transaction() as session:
        games = await make_category(session, "Games")
        game = await make_product(
            session, name="Game key", category=games, price=250, currency="XTR"
        )
        await digital.make_digital(
            session,
            admin_id=1,
            product_id=game.id,
            content=DigitalContent(text="Thank you for playing"),
            stars_per_unit=None,
        )
        await products.bump_catalog_revision(session)
    page = await open_storefront(
        browser, storefront_shop, init_data(storefront_shop.bot.token, telegram_id=ANN)
    )

    await page.get_by_test_id(f"category-{games.id}").click()
    await page.get_by_test_id(f"product-{game.id}").click()
    await page.get_by_test_id("add-to-cart").click()
    await page.get_by_test_id("cart-pill").click()
    await page.get_by_test_id("checkout").click()
    await expect(page.get_by_test_id("delivered-in-chat")).to_be_visible()
    await expect(page.get_by_test_id("summary-address")).to_have_count(0)
    await page.get_by_test_id("place-order").click()
    await page.get_by_test_id("pay").click()
    link = await _opened_invoice(page)
    await emulator.user(ANN, "Ann").pay(link)

    assert emulator.invoice_link(link)["currency"] == "XTR"
    await expect(page.get_by_test_id("order-paid")).to_be_visible(timeout=15_000)
    await screenshot(page, "storefront-stars-paid")


async def _opened_invoice(page: Page) -> str:
    for _ in range(100):
        invoices: list[str] = await page.evaluate("window.__telegram.invoices")
        if invoices:
            return invoices[0]
        await asyncio.sleep(0.1)
    raise AssertionError("the page opened no invoice")
