"""What the chat has and the storefront now has too: promo codes typed at the summary, the
wishlist and back-in-stock alerts on the product's page, and digital goods paid in Stars."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.models import PURCHASED_STATUSES, Order, Size
from bot.runner import running_shop
from bot.services import digital, shipping
from bot.services import promo as promos
from bot.services.digital import DigitalContent
from bot.services.promo import PromoTerms
from bot.services.shipping import ShippingTerms
from tests.factories import make_product
from tests.fakes.stripe_shop import stripe_settings
from tests.fakes.webapp import StorefrontClient
from tests.test_storefront_api import ANN, BEN, NEW_ADDRESS, _sneakers, customer


@pytest.fixture
async def storefront(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[ShopApplication]:
    settings = stripe_settings(emulator, db, stripe_api)
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        yield app


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _sold_out_size(db: Database) -> int:
    async with db.reading() as session:
        size = await session.scalar(select(Size.id).where(Size.name == "43"))
    assert size is not None
    return size


# --- the wishlist ---------------------------------------------------------------------------


async def test_a_product_saved_on_the_page_is_in_the_wishlist_until_removed(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database, emulator: BotApiEmulator
) -> None:
    court, _ = await _sneakers(db)
    ann = customer(storefront, http)

    status, saved = await ann.call("PUT", f"/products/{court}/saved")
    card = await ann.get(f"/products/{court}")
    wishlist = await ann.get("/wishlist")
    chat = emulator.user(ANN, "Ann")
    await chat.send("/wishlist")
    in_chat = await chat.next_message()
    removed_status, emptied = await ann.call("DELETE", f"/wishlist/{court}")
    after = await ann.get(f"/products/{court}")

    assert status == 200 and saved["product"]["saved"] and card["saved"]
    assert saved["notice"].startswith("♥ Saved to your /wishlist")
    assert wishlist["products"] == [
        {
            "id": court,
            "name": "Court Sneakers",
            "price": "€49.99",
            "stock": "in stock: 42",
            "sold_out": False,
        }
    ]
    assert "Court Sneakers" in in_chat.content
    assert (removed_status, emptied["products"], emptied["total"]) == (200, [], 0)
    assert not after["saved"]


async def test_the_page_s_save_button_pressed_twice_does_what_it_said_and_unsaves_on_delete(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, _ = await _sneakers(db)
    ann = customer(storefront, http)

    await ann.call("PUT", f"/products/{court}/saved")
    _, again = await ann.call("PUT", f"/products/{court}/saved")
    _, unsaved = await ann.call("DELETE", f"/products/{court}/saved")

    assert again["product"]["saved"]
    assert not unsaved["product"]["saved"] and unsaved["notice"] == "Removed from your wishlist."
    assert (await ann.get("/wishlist"))["products"] == []


async def test_saving_a_product_that_is_not_on_sale_is_refused_with_the_reason(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    await _sneakers(db)
    greta = customer(storefront, http, telegram_id=BEN, first_name="Greta", language_code="de")

    status, refused = await greta.call("PUT", "/products/999999/saved")

    assert status == 404 and refused["code"] == "product.unavailable"
    assert refused["error"] and "product" not in refused["error"].lower()  # in German
    assert (await greta.get("/wishlist"))["products"] == []


# --- back-in-stock alerts -------------------------------------------------------------------


async def test_a_sold_out_size_can_be_waited_for_and_let_go_from_the_page(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, in_stock = await _sneakers(db)
    sold_out = await _sold_out_size(db)
    ann = customer(storefront, http)

    status, asked = await ann.call("PUT", f"/products/{court}/sizes/{sold_out}/alert")
    _, again = await ann.call("PUT", f"/products/{court}/sizes/{sold_out}/alert")
    card = await ann.get(f"/products/{court}")
    _, stopped = await ann.call("DELETE", f"/products/{court}/sizes/{sold_out}/alert")
    _, back = await ann.call("PUT", f"/products/{court}/sizes/{in_stock}/alert")

    def waiting(product: dict[str, object]) -> dict[str, bool]:
        sizes = product["sizes"]
        assert isinstance(sizes, list)
        return {size["name"]: size["waiting"] for size in sizes}

    assert status == 200
    assert asked["notice"] == "🔔 Done: we'll message you once when 43 is back in stock."
    assert again["notice"] == "You're already on the list: we'll message you when 43 is back."
    assert waiting(card) == {"42": False, "43": True}
    assert waiting(stopped["product"]) == {"42": False, "43": False}
    assert back["notice"] == "Good news: 42 is back in stock!"
    assert waiting(back["product"]) == {"42": False, "43": False}


async def test_an_alert_on_a_size_of_another_product_is_refused(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    await _sneakers(db)
    sold_out = await _sold_out_size(db)
    async with db.transaction() as session:
        other = await make_product(session, name="Other", price=100)
    ann = customer(storefront, http)

    status, refused = await ann.call("PUT", f"/products/{other.id}/sizes/{sold_out}/alert")

    assert (status, refused["code"]) == (404, "product.unavailable")


# --- promo codes at the summary -------------------------------------------------------------


async def _at_summary(
    db: Database, storefront: ShopApplication, http: aiohttp.ClientSession
) -> tuple[StorefrontClient, int]:
    """Ann's cart holds Court Sneakers (€49.99) and she has an address; SPRING10 takes 10 %
    off, BIG €5 off orders of €100 or more. Returns Ann and her address."""
    court, size = await _sneakers(db)
    codes = {
        "SPRING10": PromoTerms(percent_off=10),
        "BIG": PromoTerms(amount_off=500, min_total=10_000),
    }
    async with db.transaction() as session:
        for code, terms in codes.items():
            await promos.add_code(session, admin_id=1, code=code, terms=terms, currency="EUR")
    ann = customer(storefront, http)
    await ann.call("POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1})
    _, address = await ann.call("POST", "/addresses", NEW_ADDRESS)
    return ann, address["id"]


async def test_a_promo_code_typed_at_the_summary_takes_its_discount_off_the_order(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    ann, address = await _at_summary(db, storefront, http)

    status, summary = await ann.call(
        "POST", "/checkout/promo", {"address_id": address, "code": " spring10 "}
    )
    _, order = await ann.call(
        "POST",
        "/orders",
        {
            "address_id": address,
            "fingerprint": summary["fingerprint"],
            "promo_id": summary["promo_id"],
        },
    )

    assert status == 200 and summary["promo_code"] == "SPRING10"
    assert summary["promo"] == ["Subtotal: €49.99", "🏷 Promo code SPRING10: −€5.00"]
    assert summary["total"] == "€44.99" == order["total"]


async def test_a_code_that_cannot_be_used_is_refused_with_the_reason_and_the_summary_kept(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    ann, address = await _at_summary(db, storefront, http)
    await ann.call("POST", "/checkout/promo", {"address_id": address, "code": "SPRING10"})

    unknown_status, unknown = await ann.call(
        "POST", "/checkout/promo", {"address_id": address, "code": "nope"}
    )
    malformed_status, malformed = await ann.call(
        "POST", "/checkout/promo", {"address_id": address, "code": "!"}
    )
    _, not_text = await ann.call("POST", "/checkout/promo", {"address_id": address, "code": 7})
    _, summary = await ann.call("POST", "/checkout", {"address_id": address})
    _, too_small = await ann.call("POST", "/checkout/promo", {"address_id": address, "code": "BIG"})

    assert (unknown_status, unknown["code"]) == (404, "promo.unknown")
    assert unknown["error"] == "There is no promo code “NOPE”. Please check how it is spelled."
    assert (malformed_status, malformed["code"]) == (400, "promo.bad_code")
    assert not_text["code"] == "webapp.bad_request"
    assert summary["promo_code"] == "SPRING10" and summary["total"] == "€44.99"
    assert too_small["promo_code"] == "BIG" and too_small["total"] == "€49.99"
    assert too_small["promo"][-1].endswith("The promo code BIG is for orders of €100.00 or more.")


async def test_a_promo_code_removed_at_the_summary_is_not_taken(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    ann, address = await _at_summary(db, storefront, http)
    _, with_code = await ann.call(
        "POST", "/checkout/promo", {"address_id": address, "code": "SPRING10"}
    )

    status, summary = await ann.call("DELETE", "/checkout/promo", {"address_id": address})
    stale_status, stale = await ann.call(
        "POST",
        "/orders",
        {
            "address_id": address,
            "fingerprint": with_code["fingerprint"],
            "promo_id": with_code["promo_id"],
        },
    )
    _, order = await ann.call(
        "POST",
        "/orders",
        {"address_id": address, "fingerprint": summary["fingerprint"], "promo_id": 0},
    )

    assert status == 200 and (summary["promo"], summary["promo_code"]) == ([], None)
    assert summary["total"] == "€49.99" == order["total"]
    assert (stale_status, stale["code"]) == (409, "checkout.cart_changed")


# --- digital goods, paid in Telegram Stars --------------------------------------------------


async def test_a_digital_cart_is_ordered_without_an_address_and_paid_in_stars_from_the_page(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database, emulator: BotApiEmulator
) -> None:
    async with db.transaction() as session:
        game = await make_product(session, name="Game key", price=250, currency="XTR")
        await digital.make_digital(
            session,
            admin_id=1,
            product_id=game.id,
            content=DigitalContent(text="Thank you for playing"),
            stars_per_unit=None,
        )
        size = await session.scalar(select(Size.id).where(Size.product_id == game.id))
    ann = customer(storefront, http)
    _, cart = await ann.call(
        "POST", "/cart/items", {"product_id": game.id, "size_id": size, "quantity": 1}
    )

    _, summary = await ann.call("POST", "/checkout", {"address_id": 0})
    placed_status, order = await ann.call(
        "POST", "/orders", {"address_id": 0, "fingerprint": summary["fingerprint"]}
    )
    pay_status, payment = await ann.call("POST", f"/orders/{order['id']}/pay")
    invoice = emulator.invoice_link(payment["invoice_link"])
    answer = await emulator.user(ANN, "Ann").pay(payment["invoice_link"])
    paid = await _once_paid(ann, order["id"])

    assert not cart["needs_address"]
    assert summary["address"] == "" and summary["total"] == "⭐ 250"
    assert placed_status == 201 and order["stars"] and order["awaiting_payment"]
    assert (pay_status, payment["kind"]) == (200, "telegram")
    assert (invoice["currency"], invoice["total_amount"]) == ("XTR", 250)
    assert answer.ok and paid["status"] in {status.value for status in PURCHASED_STATUSES}
    async with db.reading() as session:
        stored = (await session.scalars(select(Order))).one()
        assert (stored.currency, stored.ship_street) == ("XTR", "")


async def _once_paid(client: StorefrontClient, order_id: int) -> dict[str, Any]:
    """The order as the page polls it, once the bot has recorded the payment."""
    for _ in range(100):
        order: dict[str, Any] = await client.get(f"/orders/{order_id}")
        if order["paid"]:
            return order
        await asyncio.sleep(0.05)
    raise AssertionError(f"order {order_id} was not paid")


async def test_a_cart_that_is_shipped_is_not_ordered_without_an_address(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, size = await _sneakers(db)
    ann = customer(storefront, http)
    _, cart = await ann.call(
        "POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1}
    )

    status, refused = await ann.call("POST", "/checkout", {"address_id": 0})

    assert cart["needs_address"]
    assert status == 404 and refused["error"]


async def test_a_promo_code_and_a_delivery_option_both_count_and_the_code_spares_the_delivery(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    ann, address = await _at_summary(db, storefront, http)
    async with db.transaction() as session:
        await shipping.add_option(
            session, admin_id=1, terms=ShippingTerms(name="DHL", price=490), currency="EUR"
        )

    _, chosen = await ann.call("POST", "/checkout", {"address_id": address})
    _, summary = await ann.call(
        "POST", "/checkout/promo", {"address_id": address, "code": "SPRING10"}
    )
    _, order = await ann.call(
        "POST",
        "/orders",
        {
            "address_id": address,
            "fingerprint": summary["fingerprint"],
            "promo_id": summary["promo_id"],
            "shipping_id": summary["shipping"]["chosen"],
        },
    )

    assert chosen["shipping"]["line"] == "🚚 Delivery (DHL): €4.90"  # the only option
    assert summary["shipping"]["line"] == "🚚 Delivery (DHL): €4.90"  # kept with the code
    assert summary["total"] == "€49.89" == order["total"]  # 49.99 − 5.00 + 4.90
