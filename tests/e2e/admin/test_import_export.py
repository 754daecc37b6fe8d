from __future__ import annotations

import csv
import io
import itertools
import re

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot import texts
from bot.app import ShopApplication
from bot.botapi.rate_limiter import PAUSES_S
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import AdminAction, Product
from tests.conftest import OWNER_ID
from tests.factories import make_category, make_product

ANN = 42
HEADER = "sku,name,category,description,price,size,stock,photo"
CATALOGUE = "\n".join(
    (
        HEADER,
        "SNK-1,Court Sneakers,Sneakers,Low-top leather sneakers,49.99,41,3,",
        "SNK-1,Court Sneakers,Sneakers,Low-top leather sneakers,49.99,42,5,",
        'CAP-1,Trucker Cap,Caps,"Mesh back, foam front",19.50,One size,12,',
    )
).encode()
PROGRESS = re.compile(r"^⏳ Importing… ([\d,]+) / ([\d,]+) rows$")


def owner(emulator: BotApiEmulator) -> SimulatedUser:
    return emulator.user(OWNER_ID, "Owner")


async def import_file(
    user: SimulatedUser,
    content: bytes,
    *,
    file_name: str = "catalogue.csv",
    caption: str = "/import",
    apply: bool = True,
) -> Message:
    """The import's status message once it says how the import ended: its preview applied
    (unless `apply` is False), or why the file was refused."""
    await user.send_document(content, file_name=file_name, caption=caption, mime_type="text/csv")
    while True:
        message = await user.next_message(timeout=60)
        if not message.content.startswith("⏳"):
            break
    if not apply or "✅ Apply" not in message.button_texts:
        return message
    await user.callback_answer(await user.press_button(message, "✅ Apply"))
    return await user.next_message()


async def exported(emulator: BotApiEmulator, user: SimulatedUser) -> tuple[Message, bytes]:
    await user.send("/export")
    message = await user.next_message()
    assert message.document is not None, message
    return message, emulator.file_content(message.document["file_id"])


async def stock_by_sku(db: Database) -> dict[str, dict[str, int]]:
    async with db.reading() as session:
        found = await session.scalars(select(Product).options(selectinload(Product.sizes)))
        return {p.sku: {s.name: s.stock for s in p.sizes} for p in found}


async def test_an_import_without_errors_adds_every_product_and_customers_find_them(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    result = await import_file(owner(emulator), CATALOGUE)

    assert result.content == (
        "✅ Imported catalogue.csv: 3 rows.\nNew products: 2\nUpdated: 0\nUnchanged: 0\n"
        "New categories: 2"
    )
    assert await stock_by_sku(db) == {"SNK-1": {"41": 3, "42": 5}, "CAP-1": {"One size": 12}}
    ann = emulator.user(ANN, "Ann")
    await ann.send("trucker")
    assert (await ann.next_message()).button_texts[0] == "Trucker Cap · €19.50"


async def test_an_import_with_errors_names_their_lines_and_imports_nothing(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    data = CATALOGUE + b"\nTEE-1,Tee,T-Shirts,,twenty,M,1,\nTEE-1,Tee,T-Shirts,,20,L,-2,"

    result = await import_file(owner(emulator), data)

    assert result.content == (
        "❌ Nothing was imported.\nThe file has 2 problems:\n"
        "Line 5: price: “twenty” is not a price. Write it like 49.99.\n"
        "Line 6: stock: Stock is a whole number from 0 to 1,000,000."
    )
    assert await stock_by_sku(db) == {}
    async with db.reading() as session:
        assert await session.scalar(select(func.count(AdminAction.id))) == 0


async def test_an_import_updates_existing_skus_and_keeps_sizes_it_does_not_list(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        sneakers = await make_category(session, "Sneakers")
        product = await make_product(
            session, name="Court", price=3999, sizes={"40": 1, "41": 1}, category=sneakers
        )
        product.sku = "SNK-1"

    result = await import_file(owner(emulator), CATALOGUE)

    assert "New products: 1\nUpdated: 1\nUnchanged: 0\nNew categories: 1" in result.content
    assert (await stock_by_sku(db))["SNK-1"] == {"40": 1, "41": 3, "42": 5}
    async with db.reading() as session:
        updated = await session.scalar(select(Product).where(Product.sku == "SNK-1"))
        assert updated is not None
        assert (updated.name, updated.price) == ("Court Sneakers", 4999)


async def test_an_export_sent_back_as_an_import_changes_nothing(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Hidden Boots", is_active=False, sizes={"43": 2})
    admin = owner(emulator)
    await import_file(admin, CATALOGUE)
    message, first = await exported(emulator, admin)

    result = await import_file(admin, first, file_name="catalogue-copy.csv")

    assert message.caption == (
        "📦 The catalogue: 3 products in 4 rows (one per size).\n"
        "Edit it and send it back with the caption /import."
    )
    assert message.document is not None
    assert message.document["file_name"].endswith(".csv")
    assert (
        first.decode("utf-8-sig").splitlines()[0] == HEADER + ",visible,stock_at_export,product_id"
    )
    assert "New products: 0\nUpdated: 0\nUnchanged: 3" in result.content
    assert (await exported(emulator, admin))[1] == first


async def test_customers_cannot_import_or_export(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann = emulator.user(ANN, "Ann")

    await ann.send_document(CATALOGUE, file_name="catalogue.csv", caption="/import")
    refused_import = await ann.next_message()
    await ann.send("/export")
    refused_export = await ann.next_message()
    await ann.send("/import")
    refused_hint = await ann.next_message()

    assert [refused_import.text, refused_export.text, refused_hint.text] == [
        texts.UNKNOWN_COMMAND
    ] * 3
    assert await stock_by_sku(db) == {}
    assert not emulator.calls_to("getFile")


async def test_a_large_file_shows_its_progress_in_one_message_edited_at_most_once_a_second(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    rows = [f"TEE-{p},Tee {p},T-Shirts,,19.99,{s},{p % 7}," for p in range(750) for s in "SMLX"]
    admin = owner(emulator)

    result = await import_file(admin, "\n".join((HEADER, *rows)).encode())

    versions = [version.content for version in result.history]
    progress = [PROGRESS.match(text) for text in versions[1:-1]]  # then the preview
    counts = [int(match[1].replace(",", "")) for match in progress if match]
    assert len(admin.bot_messages) == 1
    assert versions[0] == "⏳ Reading catalogue.csv…"
    assert versions[1] == "⏳ Importing… 0 / 3,000 rows"
    assert all(progress) and counts == sorted(set(counts)) and counts[-1] < 3000
    assert versions[-1].startswith("📋 catalogue.csv: 3,000 rows. Nothing is changed until")
    assert result.content.startswith("✅ Imported catalogue.csv: 3,000 rows.\nNew products: 750")
    edits = [call for call in emulator.calls_to("editMessageText") if call.ok]
    assert len(edits) == len(versions)
    for previous, edit in itertools.pairwise(edits[:-2]):  # the preview and result are not held
        assert edit.at - previous.at >= 1.0
    assert len(await stock_by_sku(db)) == 750


async def test_files_that_are_not_a_catalogue_are_refused_in_the_status_message(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    admin = owner(emulator)

    empty = await import_file(admin, b"", file_name="empty.csv")
    picture = await import_file(admin, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", file_name="a.png")
    huge = await import_file(admin, b"x" * (20 * 1024 * 1024 + 1), file_name="huge.csv")

    assert empty.content == "❌ Nothing was imported.\nThe file is empty."
    assert picture.content.startswith("❌ Nothing was imported.\nThis is not a CSV file.")
    assert huge.content == "❌ Nothing was imported.\nThe file is too large: at most 20 MB."
    assert not [call for call in emulator.calls_to("getFile") if not call.ok]


async def test_the_import_command_may_name_the_bot_and_alone_explains_itself(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    admin = owner(emulator)

    result = await import_file(admin, CATALOGUE, caption="/import@shop_test_bot spring stock")
    await admin.send("/import")
    hint = await admin.next_message()
    await admin.send("/admin")
    listing = await admin.next_message()

    assert result.content.startswith("✅ Imported")
    assert hint.text == "Usage: /import (as the caption of a CSV file)"
    assert "/import (as the caption of a CSV file) — create or update products" in (
        listing.text or ""
    )
    assert "/export — the whole catalogue as a CSV file" in (listing.text or "")


async def test_exporting_an_empty_shop_says_so(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    admin = owner(emulator)
    await admin.send("/export")

    assert (await admin.next_message()).text == "There are no products to export yet."


async def test_an_import_that_breaks_says_nothing_was_imported_and_apologises(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    admin = owner(emulator)
    # Every try fails: one 5xx alone is tried again (bot.botapi.rate_limiter) and the import works.
    emulator.inject("getFile", Fault.server_error(), times=len(PAUSES_S) + 1)

    result = await import_file(admin, CATALOGUE)
    apology = await admin.next_message()

    assert result.content == "❌ The import stopped and nothing was imported."
    assert apology.text == texts.SOMETHING_WENT_WRONG
    assert await stock_by_sku(db) == {}


async def test_an_old_export_never_undoes_sales_and_nothing_changes_before_apply(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    admin = owner(emulator)
    await import_file(admin, CATALOGUE)
    _, old_export = await exported(emulator, admin)
    await admin.send("/setstock CAP-1 One size 4")  # eight sold since the export
    await admin.next_message()

    preview = await import_file(admin, old_export, apply=False)
    before_apply = await stock_by_sku(db)
    await admin.callback_answer(await admin.press_button(preview, "✖ Cancel"))
    cancelled = await admin.next_message()
    applied = await import_file(admin, old_export)

    assert "No stock changes: sales made since the export stand." in preview.content
    assert before_apply["CAP-1"] == {"One size": 4}
    assert cancelled.content == "Import cancelled; nothing was changed."
    assert applied.content.startswith("✅ Imported catalogue.csv")
    assert (await stock_by_sku(db))["CAP-1"] == {"One size": 4}


GERMAN = "\n".join(
    (
        HEADER + ",name:de,description:de,category:de",
        "SNK-1,Court Sneakers,Sneakers,Low-top leather sneakers,49.99,41,3,,"
        "Halbschuh-Sneaker,Niedrige Sneaker aus Leder,Turnschuhe",
        'CAP-1,Trucker Cap,Caps,"Mesh back, foam front",19.50,One size,12,,,,',
    )
).encode()


async def _press(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


async def test_names_imported_in_german_are_what_german_customers_read_and_find(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    result = await import_file(owner(emulator), GERMAN)
    assert result.content.startswith("✅ Imported catalogue.csv: 2 rows.\nNew products: 2")
    greta = emulator.user(ANN, "Greta", language_code="de")

    await greta.send("/catalog")
    catalogue = await greta.next_message()
    shoes = await _press(greta, catalogue, "Turnschuhe (1)")
    card = await _press(greta, shoes, "Halbschuh-Sneaker · 49,99\u00a0€")
    await greta.send("halbshuh")  # a typo in the German name
    found = await greta.next_message()
    await greta.send("trucker")
    untranslated = await greta.next_message()
    cap = await _press(greta, untranslated, untranslated.button_texts[0])

    assert catalogue.button_texts[:2] == ["Caps (1)", "Turnschuhe (1)"]  # her alphabet
    assert "Turnschuhe" in shoes.content
    assert "Halbschuh-Sneaker" in card.content and "Niedrige Sneaker aus Leder" in card.content
    assert found.button_texts[0] == "Halbschuh-Sneaker · 49,99\u00a0€"
    assert untranslated.button_texts[0] == "Trucker Cap · 19,50\u00a0€"  # as it was written
    assert "Einheitsgröße — 12 auf Lager" in cap.content  # the size of products without sizes


async def test_a_customer_finds_a_product_by_any_of_its_names_and_reads_it_in_their_own(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await import_file(owner(emulator), GERMAN)
    ann = emulator.user(ANN, "Ann", language_code="en")

    await ann.send("halbschuh")
    found = await ann.next_message()

    assert found.button_texts[0] == "Court Sneakers · €49.99"


async def test_an_export_writes_the_translations_and_imported_again_changes_nothing(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    admin = owner(emulator)
    await import_file(admin, GERMAN)

    _, data = await exported(emulator, admin)
    again = await import_file(admin, data)

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(row["name:de"], row["category:de"]) for row in rows] == [
        ("Halbschuh-Sneaker", "Turnschuhe"),
        ("", ""),
    ]
    assert "name:ru" not in rows[0]  # only the languages the catalogue has
    assert "Unchanged: 2" in again.content and "Updated: 0" in again.content
