"""The catalogue commands: /addcategory, /addproduct (its conversation: new_product.py),
/editproduct, /setstock, /hide and /show."""

from __future__ import annotations

from telegram import Message, Update

from bot.handlers.admin import new_product
from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import on_admin_command
from bot.services import inventory
from bot.services.errors import InvalidInput
from bot.texts import admin as admin_texts


@on_admin_command(
    "addcategory", usage="/addcategory <name>", summary="add a category", section="Catalogue"
)
async def add_category(update: Update, context: ShopContext) -> None:
    name = Args("addcategory", context.args).rest(0)
    async with context.db.transaction() as session:
        category = await inventory.add_category(session, admin_id=_admin(update), name=name)
        reply = admin_texts.category_added(category.id, category.name)
    await send(update, reply)


@on_admin_command(
    "addproduct",
    usage="/addproduct",
    summary="add a product step by step (category, name, price, description, photo, sizes)",
    section="Catalogue",
)
async def add_product(update: Update, context: ShopContext) -> None:
    Args("addproduct", context.args).at_most(0)
    await new_product.start(update, context)


@on_admin_command(
    "editproduct",
    usage="/editproduct <product id> <name|description|price|category|photo> <value>",
    summary="change a product: a price like 49.99, a category by name or id, "
    "a photo by replying to one",
    section="Catalogue",
)
async def edit_product(update: Update, context: ShopContext) -> None:
    args = Args("editproduct", context.args)
    product_id = args.integer(0, minimum=1)
    field = args.word(1).lower()
    if field not in inventory.EDITABLE_FIELDS:
        raise args.wrong()
    if field == "photo":
        args.at_most(2)
        value = _photo(update.effective_message)
    else:
        args.rest(2)  # something must follow the field
        value = _typed_after(update.effective_message, words=3)
    async with context.db.transaction() as session:
        edit = await inventory.edit_product(
            session, admin_id=_admin(update), product_id=product_id, field=field, value=value
        )
        reply = admin_texts.product_edited(edit.product.id, edit.product.name, field, edit.value)
    await send(update, reply)


@on_admin_command(
    "setstock",
    usage="/setstock <product id> <size> <quantity>",
    summary="set the stock of a size; a size the product doesn't have yet is added",
    section="Catalogue",
)
async def set_stock(update: Update, context: ShopContext) -> None:
    args = Args("setstock", context.args)
    if len(args) < 3:
        raise args.wrong()
    product_id = args.integer(0, minimum=1)
    quantity = args.integer(len(args) - 1)
    size = " ".join(args.values[1:-1])  # sizes may have spaces: "One size"
    async with context.db.transaction() as session:
        change = await inventory.set_stock(
            session,
            admin_id=_admin(update),
            product_id=product_id,
            size_name=size,
            quantity=quantity,
        )
        product = change.product
        reply = admin_texts.stock_set(
            product.id, product.name, change.size.name, change.previous, change.size.stock
        )
    await send(update, reply)


@on_admin_command(
    "hide",
    usage="/hide <product id>",
    summary="stop selling a product: customers no longer see or find it",
    section="Catalogue",
)
async def hide(update: Update, context: ShopContext) -> None:
    await _set_visible(update, context, "hide", visible=False)


@on_admin_command(
    "show", usage="/show <product id>", summary="sell a hidden product again", section="Catalogue"
)
async def show_product(update: Update, context: ShopContext) -> None:
    await _set_visible(update, context, "show", visible=True)


async def _set_visible(
    update: Update, context: ShopContext, command: str, *, visible: bool
) -> None:
    product_id = Args(command, context.args).at_most(1).integer(0, minimum=1)
    async with context.db.transaction() as session:
        product, changed = await inventory.set_visible(
            session, admin_id=_admin(update), product_id=product_id, visible=visible
        )
        reply = admin_texts.visibility(product.id, product.name, visible=visible, changed=changed)
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
