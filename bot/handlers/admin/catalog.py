"""The catalogue commands: /addcategory, /addproduct (its conversation: new_product.py),
/editproduct (digital goods too), /importkeys, /setstock, /hide and /show."""

from __future__ import annotations

from telegram import Message, Update

from bot import texts
from bot.handlers.admin import gallery, new_product
from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import caption_command, on_admin_caption_command, on_admin_command
from bot.models import DigitalFileType
from bot.money import STARS
from bot.services.errors import InvalidInput
from bot.texts import admin as admin_texts
from bot.usecases import admin_catalog
from bot.usecases.admin_catalog import DigitalContent

DIGITAL = "digital"  # /editproduct <id> digital <text> | keys | (a file)
STARS_FIELD = "stars"  # /editproduct <id> stars <n>
KEYS = "keys"


@on_admin_command("addcategory")
async def add_category(update: Update, context: ShopContext) -> None:
    name = Args("addcategory", context.args).rest(0)
    added = await admin_catalog.add_category(
        context.db, admin_telegram_id=_admin(update), name=name
    )
    await send(update, admin_texts.category_added(added.category_id, added.name))


@on_admin_command("addproduct")
async def add_product(update: Update, context: ShopContext) -> None:
    Args("addproduct", context.args).at_most(0)
    await new_product.start(update, context)


@on_admin_command("editproduct")
async def edit_product(update: Update, context: ShopContext) -> None:
    args = Args("editproduct", context.args)
    product = args.product(0)
    field = args.word(1).lower()
    if field == admin_catalog.PHOTOS:
        await gallery.start(update, context, args.at_most(2).product(0))
        return
    if field in (DIGITAL, STARS_FIELD):
        await _digital(update, context, args, field)
        return
    if not admin_catalog.editable(field):
        raise args.wrong()
    if field == "photo":
        args.at_most(2)
        value = _photo(update.effective_message)
    else:
        args.rest(2)  # something must follow the field
        value = _typed_after(update.effective_message, words=3)
    edit = await admin_catalog.edit_product(
        context.db,
        admin_telegram_id=_admin(update),
        product=product,
        field=field,
        value=value,
        provider=context.settings.effective_payment_provider,
    )
    edited = admin_texts.product_edited(edit.product_id, edit.name, edit.field, edit.value)
    await send(update, edited + admin_texts.unpayable_price(edit.unpayable))


async def _digital(update: Update, context: ShopContext, args: Args, field: str) -> None:
    """`digital` + a text, `digital keys`, or `digital` replying to (or as the caption of) a
    file or photo; `stars <n>`: a digital product's price in Telegram Stars."""
    product = args.product(0)
    if field == STARS_FIELD:
        stars = args.at_most(3).integer(2)
        done = await admin_catalog.set_stars_price(
            context.db, admin_telegram_id=_admin(update), product=product, stars=stars
        )
    else:
        done = await admin_catalog.make_digital(
            context.db,
            admin_telegram_id=_admin(update),
            product=product,
            content=_digital_content(update.effective_message),
            stars_per_unit=context.settings.stars_per_unit,
        )
    price = texts.money(done.stars, STARS)
    await send(
        update,
        admin_texts.made_digital(done.product_id, done.name, done.content, price, done.stock),
    )


def _digital_content(message: Message | None) -> DigitalContent:
    typed = _typed_after(message, words=3).strip()
    if typed.casefold() == KEYS:
        return DigitalContent()
    if typed:
        return DigitalContent(text=typed)
    for candidate in (message, message.reply_to_message if message else None):
        if candidate is None:
            continue
        if candidate.document is not None:
            return DigitalContent(
                file_id=candidate.document.file_id, file_type=DigitalFileType.DOCUMENT
            )
        if candidate.photo:
            return DigitalContent(
                file_id=candidate.photo[-1].file_id, file_type=DigitalFileType.PHOTO
            )
    raise InvalidInput("digital.content_missing")


@on_admin_caption_command("importkeys")
async def import_keys(update: Update, context: ShopContext) -> None:
    """A CSV file of keys, one a row, with the caption `/importkeys <id>`."""
    message = update.effective_message
    assert message is not None and message.document is not None
    command = caption_command(message)
    args = Args("importkeys", command[1] if command else [])
    product = args.at_most(1).product(0)
    file = await message.document.get_file()
    data = bytes(await file.download_as_bytearray())
    done = await admin_catalog.import_keys(
        context.db, admin_telegram_id=_admin(update), product=product, data=data
    )
    reply = admin_texts.keys_imported(
        done.product_id, done.name, done.added, done.skipped, done.unclaimed
    )
    await send(update, reply)


@on_admin_command("setstock")
async def set_stock(update: Update, context: ShopContext) -> None:
    args = Args("setstock", context.args)
    if len(args) < 3:
        raise args.wrong()
    product = args.product(0)
    quantity = args.integer(len(args) - 1)
    size = " ".join(args.values[1:-1])  # sizes may have spaces: "One size"
    change = await admin_catalog.set_stock(
        context.db,
        admin_telegram_id=_admin(update),
        product=product,
        size=size,
        quantity=quantity,
    )
    reply = admin_texts.stock_set(
        change.product_id, change.name, change.size, change.previous, change.stock
    )
    await send(update, reply)


@on_admin_command("hide")
async def hide(update: Update, context: ShopContext) -> None:
    await _set_visible(update, context, "hide", visible=False)


@on_admin_command("show")
async def show_product(update: Update, context: ShopContext) -> None:
    await _set_visible(update, context, "show", visible=True)


async def _set_visible(
    update: Update, context: ShopContext, command: str, *, visible: bool
) -> None:
    product = Args(command, context.args).at_most(1).product(0)
    done = await admin_catalog.set_visibility(
        context.db, admin_telegram_id=_admin(update), product=product, visible=visible
    )
    reply = admin_texts.visibility(
        done.product_id, done.name, visible=visible, changed=done.changed
    )
    await send(update, reply)


def _admin(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


def _typed_after(message: Message | None, *, words: int) -> str:
    """The text after the command and its first arguments, with its line breaks kept."""
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=words)
    return parts[words] if len(parts) > words else ""


def _photo(message: Message | None) -> str:
    """The photo sent with the command as its caption, or the one the command replies to."""
    for candidate in (message, message.reply_to_message if message else None):
        if candidate is not None and candidate.photo:
            return candidate.photo[-1].file_id
    raise InvalidInput("product.photo_missing")
