"""The storefront's API: the chat's shop for a page inside Telegram, signed in by Telegram's
initData, with one cart and one order history shared with the chat."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import ShopApplication
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.models import CartItem, Order, OrderStatus, Product, Rating, Size
from bot.runner import running_shop
from bot.services import product as products
from bot.services import promo as promos
from bot.services import shipping
from bot.services import user as users
from bot.services.product_photo import media_reference
from bot.services.promo import PromoTerms
from bot.services.shipping import ShippingTerms
from tests.conftest import shop_settings
from tests.factories import make_category, make_product, make_user
from tests.fakes.stripe_shop import paid_event, post_event, stripe_settings
from tests.fakes.webapp import StorefrontClient, init_data

ANN = 42
BEN = 43
NEW_ADDRESS = {
    "recipient_name": "Ann Example",
    "phone": "+49 30 1234567",
    "street": "Main St 1",
    "city": "Berlin",
    "region": "",
    "postal_code": "10115",
    "country": "DE",
}


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


def customer(
    app: ShopApplication, http: aiohttp.ClientSession, telegram_id: int = ANN, **fields: object
) -> StorefrontClient:
    return StorefrontClient(app, http, init_data(app.bot.token, telegram_id=telegram_id, **fields))  # type: ignore[arg-type]


async def _sneakers(db: Database) -> tuple[int, int]:
    """Court Sneakers at €49.99 in 42 (3 left) and 43 (sold out); returns the product and 42."""
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        court = await make_product(
            session, name="Court Sneakers", category=shoes, price=4999, sizes={"42": 3, "43": 0}
        )
        await make_product(session, name="Trucker Cap", price=1999)
        await products.bump_catalog_revision(session)
        size = await session.scalar(select(Size.id).where(Size.name == "42"))
        assert size is not None
        return court.id, size


async def test_a_request_without_a_valid_init_data_is_refused_and_changes_nothing(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, size = await _sneakers(db)
    token = storefront.bot.token
    attempts = {
        "missing": StorefrontClient(storefront, http, ""),
        "forged": StorefrontClient(storefront, http, init_data(token, telegram_id=ANN, forge=True)),
        "stale": StorefrontClient(
            storefront, http, init_data(token, telegram_id=ANN, auth_date=int(time.time()) - 90_000)
        ),
        "tampered": StorefrontClient(
            storefront, http, init_data(token, telegram_id=ANN).replace("%3A42", "%3A43")
        ),
    }

    answers = {}
    for name, client in attempts.items():
        answers[name] = await client.call(
            "POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1}
        )

    assert {name: status for name, (status, _) in answers.items()} == dict.fromkeys(attempts, 401)
    assert answers["forged"][1] == {"error": "Please open the shop from the bot in Telegram."}
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(CartItem)) == 0


async def test_the_page_browses_the_catalogue_and_finds_typos(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, _ = await _sneakers(db)
    ann = customer(storefront, http)

    categories = await ann.get("/categories")
    shoes = next(c for c in categories["categories"] if c["name"] == "Sneakers")
    page = await ann.get(f"/categories/{shoes['id']}")
    card = await ann.get(f"/products/{court}")
    found = await ann.get("/search?q=snekers")

    assert shoes["count"] == 1
    assert page["products"] == [
        {
            "id": court,
            "name": "Court Sneakers",
            "price": "€49.99",
            "photo": None,
            "rating": None,
            "sold_out": False,
        }
    ]
    assert [(s["name"], s["stock"]) for s in card["sizes"]] == [("42", 3), ("43", 0)]
    assert [p["name"] for p in found["products"]] == ["Court Sneakers"]


async def test_the_grid_shows_each_product_s_average_rating(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, _ = await _sneakers(db)
    async with db.transaction() as session:
        for telegram_id, stars in ((901, 5), (902, 4)):
            rater = await make_user(session, telegram_id=telegram_id)
            session.add(Rating(user_id=rater.id, product_id=court, value=stars))
        category_id = (await session.get_one(Product, court)).category_id
    ann = customer(storefront, http)

    page = await ann.get(f"/categories/{category_id}")

    assert [(p["name"], p["rating"]) for p in page["products"]] == [("Court Sneakers", 4.5)]


async def test_the_page_and_the_chat_share_one_cart(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database, emulator: BotApiEmulator
) -> None:
    court, size = await _sneakers(db)
    ann = customer(storefront, http)

    status, cart = await ann.call(
        "POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 2}
    )
    chat = emulator.user(ANN, "Ann")
    await chat.send("/cart")
    in_chat = await chat.next_message()
    status_after, emptied = await ann.call("PUT", f"/cart/items/{size}", {"quantity": 0})

    assert status == 200 and cart["count"] == 2 and cart["total"] == "€99.98"
    assert cart["lines"][0]["name"] == "Court Sneakers" and cart["can_checkout"]
    assert "Court Sneakers" in in_chat.content and "€99.98" in in_chat.content
    assert (status_after, emptied["lines"]) == (200, [])


async def test_a_refusal_comes_back_in_the_customer_s_words_and_language(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, size = await _sneakers(db)
    greta = customer(storefront, http, telegram_id=BEN, first_name="Greta", language_code="de")

    status, refused = await greta.call(
        "POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 5}
    )
    _, bad = await greta.call("POST", "/cart/items", {"product_id": "x", "size_id": size})
    card = await greta.get(f"/products/{court}")

    assert status == 409 and refused["code"] == "cart.only_left"
    assert refused["error"] == "Von Court Sneakers (42) sind nur noch 3 übrig."
    assert bad["code"] == "webapp.bad_request"
    assert card["price"] == "49,99\u00a0€"


async def test_a_customer_checks_out_in_the_page_and_pays_through_stripe(
    storefront: ShopApplication,
    http: aiohttp.ClientSession,
    db: Database,
    emulator: BotApiEmulator,
    stripe_api: FakeStripeApi,
) -> None:
    court, size = await _sneakers(db)
    ann = customer(storefront, http)
    await ann.call("POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1})

    refused_status, refused = await ann.call("POST", "/addresses", {**NEW_ADDRESS, "phone": "12"})
    added_status, address = await ann.call("POST", "/addresses", NEW_ADDRESS)
    _, summary = await ann.call("POST", "/checkout", {"address_id": address["id"]})
    placed_status, order = await ann.call(
        "POST", "/orders", {"address_id": address["id"], "fingerprint": summary["fingerprint"]}
    )
    _, payment = await ann.call("POST", f"/orders/{order['id']}/pay")
    session_id = payment["url"].rsplit("/", 1)[-1]
    event = paid_event(session_id=session_id, order_id=order["id"], amount=4999, currency="eur")
    await post_event(storefront, event)
    paid = await ann.get(f"/orders/{order['id']}")

    assert (refused_status, refused["field"]) == (400, "phone")
    assert added_status == 201 and "Main St 1" in address["text"]
    assert summary["total"] == "€49.99" and summary["lines"][0]["name"] == "Court Sneakers"
    assert placed_status == 201 and order["awaiting_payment"] and order["total"] == "€49.99"
    assert payment["kind"] == "stripe" and payment["url"].startswith(stripe_api.base_url)
    assert paid["paid"] and paid["status"] == OrderStatus.PAID.value
    assert await ann.get("/cart") == {
        "lines": [],
        "total": None,
        "count": 0,
        "can_checkout": False,
        "needs_address": False,
    }


async def test_the_page_s_summary_shows_the_cart_s_promo_code_and_the_total_it_charges(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, size = await _sneakers(db)
    ann = customer(storefront, http)
    await ann.call("POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1})
    _, address = await ann.call("POST", "/addresses", NEW_ADDRESS)
    async with db.transaction() as session:
        await promos.add_code(
            session, admin_id=1, code="SPRING10", terms=PromoTerms(percent_off=10), currency="EUR"
        )
        user = await users.find_by_telegram_id(session, ANN)
        assert user is not None
        await promos.apply_to_cart(session, user_id=user.id, code="spring10")

    _, summary = await ann.call("POST", "/checkout", {"address_id": address["id"]})
    _, order = await ann.call(
        "POST", "/orders", {"address_id": address["id"], "fingerprint": summary["fingerprint"]}
    )

    assert summary["promo"] == ["Subtotal: €49.99", "🏷 Promo code SPRING10: −€5.00"]
    assert summary["total"] == "€44.99" == order["total"]


async def test_a_summary_confirmed_after_the_cart_changed_orders_nothing(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, size = await _sneakers(db)
    ann = customer(storefront, http)
    await ann.call("POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1})
    _, address = await ann.call("POST", "/addresses", NEW_ADDRESS)
    _, summary = await ann.call("POST", "/checkout", {"address_id": address["id"]})
    await ann.call("PUT", f"/cart/items/{size}", {"quantity": 2})

    status, refused = await ann.call(
        "POST", "/orders", {"address_id": address["id"], "fingerprint": summary["fingerprint"]}
    )

    assert (status, refused["code"]) == (409, "checkout.cart_changed")
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_someone_else_s_order_and_address_are_not_found(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, size = await _sneakers(db)
    ann, ben = customer(storefront, http), customer(storefront, http, telegram_id=BEN)
    await ann.call("POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1})
    _, address = await ann.call("POST", "/addresses", NEW_ADDRESS)
    _, summary = await ann.call("POST", "/checkout", {"address_id": address["id"]})
    _, order = await ann.call(
        "POST", "/orders", {"address_id": address["id"], "fingerprint": summary["fingerprint"]}
    )

    order_status, _ = await ben.call("GET", f"/orders/{order['id']}")
    pay_status, _ = await ben.call("POST", f"/orders/{order['id']}/pay")
    address_status, _ = await ben.call("POST", "/checkout", {"address_id": address["id"]})

    assert (order_status, pay_status, address_status) == (404, 404, 404)


async def test_photos_are_served_by_the_shop_and_telegram_files_fetched_once(
    storefront: ShopApplication,
    http: aiohttp.ClientSession,
    db: Database,
    emulator: BotApiEmulator,
) -> None:
    settings = storefront.bot_data.settings
    assert settings is not None
    picture = settings.media_path / "demo" / "cap.png"
    picture.parent.mkdir(parents=True, exist_ok=True)
    picture.write_bytes(b"\x89PNG\r\n\x1a\nmedia")
    file_id = emulator.upload_photo(b"\x89PNG\r\n\x1a\ntelegram")
    async with db.transaction() as session:
        cap = await make_product(session, name="Cap")
        tee = await make_product(session, name="Tee")
        await products.update_product(
            session, product_id=cap.id, photo=media_reference("demo/cap.png")
        )
        await products.update_product(session, product_id=tee.id, photo=file_id)
    ann = customer(storefront, http)
    card = await ann.get(f"/products/{tee.id}")
    base = storefront.bot_data.web_url

    async with http.get(f"{base}/app/photos/{cap.id}") as media:
        media_body, media_cache = await media.read(), media.headers["Cache-Control"]
    fetched = []
    for _ in range(2):
        async with http.get(f"{base}{card['photo']}") as response:
            fetched.append(await response.read())
    get_file_calls = [call for call in emulator.calls if call.method == "getFile"]

    assert media_body == b"\x89PNG\r\n\x1a\nmedia" and "max-age" in media_cache
    assert card["photo"] == f"/app/photos/{tee.id}"
    assert fetched == [b"\x89PNG\r\n\x1a\ntelegram"] * 2
    assert len(get_file_calls) == 1


async def test_a_product_lists_its_gallery_and_each_photo_is_served(
    storefront: ShopApplication,
    http: aiohttp.ClientSession,
    db: Database,
    emulator: BotApiEmulator,
) -> None:
    front = emulator.upload_photo(b"\x89PNG\r\n\x1a\nfront")
    back = emulator.upload_photo(b"\x89PNG\r\n\x1a\nback")
    async with db.transaction() as session:
        tee = await make_product(
            session, name="Tee", photos=(front, "https://example.com/side.jpg", back)
        )
    card = await customer(storefront, http).get(f"/products/{tee.id}")
    base = storefront.bot_data.web_url

    async with http.get(f"{base}/app/photos/{tee.id}/2") as third:
        third_body = await third.read()
    async with http.get(f"{base}/app/photos/{tee.id}/3") as missing:
        missing_status = missing.status

    assert card["photo"] == f"/app/photos/{tee.id}"
    assert card["photos"] == [
        f"/app/photos/{tee.id}",
        "https://example.com/side.jpg",
        f"/app/photos/{tee.id}/2",
    ]
    assert third_body == b"\x89PNG\r\n\x1a\nback"
    assert missing_status == 404


async def test_the_api_answers_with_headers_that_confine_the_page(
    storefront: ShopApplication, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{storefront.bot_data.web_url}/app/api/cart") as refused:
        policy = refused.headers["Content-Security-Policy"]

    assert refused.status == 401
    assert "default-src 'self'" in policy and "script-src 'self' https://telegram.org" in policy


async def test_with_telegram_payments_the_page_gets_an_invoice_link_for_the_order(
    emulator: BotApiEmulator, db: Database, http: aiohttp.ClientSession
) -> None:
    court, size = await _sneakers(db)
    settings = shop_settings(
        emulator,
        db,
        web_port=0,
        payment_provider="telegram",
        telegram_provider_token="TEST:PROVIDER",
    )
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        ann = customer(app, http)
        await ann.call("POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 2})
        _, address = await ann.call("POST", "/addresses", NEW_ADDRESS)
        _, summary = await ann.call("POST", "/checkout", {"address_id": address["id"]})
        _, order = await ann.call(
            "POST", "/orders", {"address_id": address["id"], "fingerprint": summary["fingerprint"]}
        )
        status, payment = await ann.call("POST", f"/orders/{order['id']}/pay")

    assert (status, payment["kind"]) == (200, "telegram")
    invoice = emulator.invoice_link(payment["invoice_link"])
    assert (invoice["currency"], invoice["total_amount"]) == ("EUR", 9998)


async def test_the_page_picks_a_delivery_option_and_refuses_an_order_without_one(
    storefront: ShopApplication,
    http: aiohttp.ClientSession,
    db: Database,
    stripe_api: FakeStripeApi,
) -> None:
    court, size = await _sneakers(db)
    async with db.transaction() as session:
        for name, price, countries in (("DHL", 490, ("DE",)), ("Express", 1200, ())):
            await shipping.add_option(
                session,
                admin_id=1,
                terms=ShippingTerms(name=name, price=price, countries=countries),
                currency="EUR",
            )
        await shipping.add_option(
            session,
            admin_id=1,
            terms=ShippingTerms(name="Royal Mail", price=300, countries=("GB",)),
            currency="EUR",
        )
    ann = customer(storefront, http)
    await ann.call("POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1})
    _, address = await ann.call("POST", "/addresses", NEW_ADDRESS)

    _, open_summary = await ann.call("POST", "/checkout", {"address_id": address["id"]})
    fingerprint = open_summary["fingerprint"]
    refused_status, refused = await ann.call(
        "POST", "/orders", {"address_id": address["id"], "fingerprint": fingerprint}
    )
    _, picked = await ann.call("POST", "/checkout", {"address_id": address["id"], "shipping_id": 1})
    placed_status, order = await ann.call(
        "POST",
        "/orders",
        {"address_id": address["id"], "fingerprint": fingerprint, "shipping_id": 1},
    )
    _, payment = await ann.call("POST", f"/orders/{order['id']}/pay")

    assert open_summary["shipping"] == {
        "options": [
            {"id": 1, "name": "DHL", "price": "€4.90"},
            {"id": 2, "name": "Express", "price": "€12.00"},
        ],
        "chosen": 0,
        "line": "",
    }
    assert open_summary["total"] == "€49.99"
    assert refused_status == 409 and refused["code"] == "shipping.choose"
    assert picked["shipping"]["chosen"] == 1
    assert picked["shipping"]["line"] == "🚚 Delivery (DHL): €4.90"
    assert picked["total"] == "€54.89"
    assert placed_status == 201 and order["total"] == "€54.89"
    assert order["shipping"] == "🚚 Delivery (DHL): €4.90"
    session_id = payment["url"].rsplit("/", 1)[-1]
    assert stripe_api.sessions[session_id]["amount_total"] == 5489


async def test_the_page_says_when_no_option_serves_the_address_s_country(
    storefront: ShopApplication, http: aiohttp.ClientSession, db: Database
) -> None:
    court, size = await _sneakers(db)
    async with db.transaction() as session:
        await shipping.add_option(
            session,
            admin_id=1,
            terms=ShippingTerms(name="Royal Mail", price=300, countries=("GB",)),
            currency="EUR",
        )
    ann = customer(storefront, http)
    await ann.call("POST", "/cart/items", {"product_id": court, "size_id": size, "quantity": 1})
    _, address = await ann.call("POST", "/addresses", NEW_ADDRESS)

    status, refused = await ann.call("POST", "/checkout", {"address_id": address["id"]})

    assert status == 409 and refused["code"] == "shipping.no_option"
    assert refused["error"] == "Sorry, we don't deliver to Germany. Please choose another address."
