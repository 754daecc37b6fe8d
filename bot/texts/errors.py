"""What a customer or admin reads when the shop refuses something: domain errors, rendered.

Services raise errors that carry a code and parameters; this module turns them into words at
the edge (a chat reply, a web response, a notice), so a new language adds catalogues only.

Templates are plain format strings with named placeholders, and a few conversions for values
that need words of their own: `{x!q}` quotes a person's words (shortened), `{x!l}` is an order
status's label, `{x!m}` an amount in the error's `currency`, `{x!f}` an address field's name,
`{x!n}` a number written the reader's way (1,234 or 1.234), `{x!d}` a day (an ISO date) the
reader's way, `{x!c}` a country (an ISO code) named in the reader's language.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from bot.money import format_amount
from bot.services.catalog_csv import CatalogFileInvalid, LineError
from bot.services.errors import ShopError
from bot.texts import size_name
from bot.texts.i18n import (
    N_,
    N_plural,
    _,
    country_name,
    current_language,
    long_date,
    ngettext,
    number,
)
from bot.texts.statuses import status_label

QUOTE_LIMIT = 60
MAX_ERRORS_SHOWN = 20  # of a catalogue file: the rest are counted
FILE_PROBLEMS_ROOM = 3500  # characters of them, below Telegram's 4,096 with the reply around


def quoted(words: str) -> str:
    """Someone's own words inside an error message, in quotes and shortened: a 4,000-character
    answer quoted back whole would make the reply longer than Telegram accepts."""
    if len(words) > QUOTE_LIMIT:
        words = words[: QUOTE_LIMIT - 1].rstrip() + "…"
    return _("“{words}”").format(words=words)


FIELD_WORDS = {  # what to send for an address field
    "recipient_name": N_("the recipient's name"),
    "street": N_("the street and house number"),
    "city": N_("the city"),
    "region": N_("the region or state"),
}


ERRORS: dict[str, str] = {
    # --- money
    "money.bad_currency": N_("{currency!q} is not a currency code. Use three letters, like EUR."),
    "money.bad_price": N_("{text!q} is not a price. Write it like 49.99."),
    "money.too_many_decimals": N_("{text!q} has more decimals than {currency} allows."),
    # --- paging, search, statistics
    "page.bad_number": N_("Page numbers start at 1."),
    "page.bad_size": N_("A page holds 1 to {limit} items."),
    "search.empty_query": N_("Type what you are looking for, for example “sneakers”."),
    "search.forgotten": N_("I no longer know what you searched for. Please type it again."),
    "stats.bad_days": N_("Statistics cover 1 to {limit} days."),
    "stats.no_periods": N_("Ask for at least one period."),
    # --- catalogue
    "category.gone": N_("This category no longer exists."),
    "category.name_taken": N_("There is already a category called “{name}”."),
    "category.name_empty": N_("A category name can't be empty."),
    "category.name_too_long": N_("A category name can be at most {limit} characters long."),
    "category.not_found": N_("There is no category “{reference}”. /addcategory adds one."),
    "category.none_yet": N_("There are no categories yet. Add one first with /addcategory <name>."),
    "product.gone": N_("This product no longer exists."),
    "product.unavailable": N_("This product is no longer available."),
    "stock_alert.too_many": N_(
        "You already wait for {limit} sizes, the most there can be. Stop one in /profile first."
    ),
    "wishlist.too_many": N_(
        "Your wishlist already holds {limit} products, the most it can. Remove one in /wishlist "
        "first."
    ),
    "product.not_found": N_("Product #{product_id} was not found."),
    "product.sku_not_found": N_("No product has the id or SKU {sku!q}."),
    "product.sku_taken": N_("Another product already has the SKU “{sku}”."),
    "product.sku_invalid": N_("A SKU is 1 to {limit} characters without spaces, like SNK-042."),
    "product.name_empty": N_("A product name can't be empty."),
    "product.name_too_long": N_("A product name can be at most {limit} characters long."),
    "product.description_too_long": N_("A description can be at most {limit} characters."),
    "product.photo_too_long": N_("A photo reference can be at most {limit} characters."),
    "product.photo_invalid": N_(
        "A photo must be a picture sent to the bot or a web address starting with https://."
    ),
    "product.price_invalid": N_(
        "A price is a whole number of cents from 0 to {limit}, like 4999 for 49.99."
    ),
    "product.price_too_high": N_("A price can be at most {limit!m}."),
    "product.price_empty": N_("A price can't be empty."),
    "product.stock_invalid": N_("Stock is a whole number from 0 to {limit!n}."),
    "product.size_name_empty": N_("A size name can't be empty."),
    "product.size_name_too_long": N_("A size name can be at most {limit} characters long."),
    "product.size_twice": N_("The size “{size}” is listed twice."),
    "refund.stars_refused": N_(
        "Telegram refused to refund these Stars. Nothing was changed; please try again later."
    ),
    "digital.no_stars_rate": N_(
        "Digital products are sold in Telegram Stars, and product #{product_id} has a price in "
        "another currency. Set STARS_PER_UNIT (Stars per 1.00) to convert it, rounded up."
    ),
    "digital.text_length": N_("The text to send must be 1 to {limit} characters long."),
    "digital.content_missing": N_(
        "Say what the bot sends: /editproduct <id> digital <text>, /editproduct <id> digital "
        "keys (then /importkeys), or reply to a file or picture with /editproduct <id> digital."
    ),
    "digital.stars_for_digital_only": N_(
        "Only digital products are priced in Telegram Stars: make product #{product_id} "
        "digital first (/editproduct {product_id} digital …)."
    ),
    "digital.stars_invalid": N_("A price in Stars is a whole number from 1 to 100000."),
    "digital.not_key_product": N_(
        "Product #{product_id} doesn't sell keys: make it so with "
        "/editproduct {product_id} digital keys, then import its keys."
    ),
    "digital.no_keys": N_("The file has no keys: put one key per row, in the first column."),
    "digital.keys_invalid": N_(
        "At most {limit} keys at once, each at most {length} characters long."
    ),
    "digital.keys_not_text": N_("The keys file must be a CSV or text file in UTF-8."),
    "digital.not_paid": N_("Order #{order_id} isn't paid, so there is nothing to send yet."),
    "digital.nothing_to_send": N_("Order #{order_id} has no digital products to send."),
    "product.photo_missing": N_(
        "Send the photo with the caption /editproduct <id> photo, "
        "or reply to a photo with that command."
    ),
    "product.too_many_photos": N_(
        "A product can have at most {limit} photos, and {count} were sent. Nothing was "
        "changed: send /editproduct <id> photos and at most {limit} photos."
    ),
    "product.no_photos_sent": N_(
        "No photos were sent, so nothing was changed. Send /editproduct <id> photos again, "
        "then the photos."
    ),
    # --- /addproduct
    "draft.incomplete": N_(
        "This product is missing something. Please start again with /addproduct."
    ),
    "draft.send_photo": N_("Please send a photo of the product, or press Skip."),
    "draft.sizes_empty": N_("Please send at least one size with its stock, like S 5, M 3."),
    "draft.too_many_sizes": N_("A product can have at most {limit} sizes."),
    "draft.not_a_size": N_("{text!q} is not a size with its stock. Write it like M 3."),
    "draft.sku_taken": N_(
        "Another product already has the SKU “{sku}”. Send another one, or press Save."
    ),
    # --- catalogue files
    "catalog_file.too_large": N_("The file is too large: at most {limit_mb} MB."),
    "catalog_file.not_csv": N_(
        "This is not a CSV file. Save the sheet as “CSV UTF-8” and send that."
    ),
    "catalog_file.empty": N_("The file is empty."),
    "catalog_file.no_products": N_("The file has a header but no products."),
    "catalog_file.changed_meanwhile": N_(
        "The catalogue changed while the file was being imported. Send it again."
    ),
    "catalog_file.invalid": "The file has {count!n} problems:",  # rendered through PLURALS
    # a line's problems, after "Line 3: "
    "catalog_file.not_utf8": N_("this is not UTF-8 text. Save the file as “CSV UTF-8”."),
    "catalog_file.unreadable": N_("the file can't be read as CSV ({reason})."),
    "catalog_file.bad_header": N_("the first line must name the columns {expected} ({problems})."),
    "catalog_file.too_many_rows": N_("a file can have at most {limit!n} rows."),
    "catalog_file.values_open_quote": N_(
        "{found} values instead of {expected} (is a double quote left open?)."
    ),
    "catalog_file.values_count": N_(
        "{found} values instead of {expected} (a value with a comma in it needs double quotes)."
    ),
    "catalog_file.rows_disagree": N_(
        "the {column} of {sku} differs from line {first_line}; the rows of one product must agree."
    ),
    "catalog_file.size_twice": N_("size “{size}” of {sku} is already on line {first_line}."),
    "catalog_file.not_yes_no": N_("{value!q} is not yes or no."),
    "catalog_file.unknown_language": N_(
        "the column {column!q} names a language the shop has no texts for; it has {known}."
    ),
    "catalog_file.category_disagrees": N_(
        "the {column} of the category “{category}” differs from line {first_line}; "
        "a category has one name in each language."
    ),
    # --- cart
    "cart.add_range": N_("You can add 1 to {limit} at a time."),
    "cart.set_range": N_("Please choose a quantity from 0 to {limit}."),
    "cart.not_sold": N_("{product} is no longer sold."),
    "cart.line_not_sold": N_("{product} is no longer sold. Please remove it."),
    "cart.other_currency": N_(
        "Your cart is in {cart_currency} but {product} is priced in {currency}. "
        "Please check out or empty your cart first."
    ),
    "cart.digital_after_physical": N_(
        "{product} is a digital product, paid in Telegram Stars and sent here in the chat, "
        "while your cart holds items we ship, paid another way. One order can't be paid both "
        "ways: check out your cart first, then buy {product}."
    ),
    "cart.physical_after_digital": N_(
        "{product} is shipped to you, while your cart holds digital products paid in Telegram "
        "Stars. One order can't be paid both ways: check out your cart first, then add "
        "{product}."
    ),
    "cart.line_gone": N_("That item is no longer in your cart."),
    "cart.size_unavailable": N_("That product or size isn't available."),
    "cart.sold_out": N_("{product} ({size}) is out of stock."),
    "cart.sold_out_have": N_(
        "{product} ({size}) is out of stock. You already have {already} in your cart."
    ),
    "cart.only_left": N_("Only {left} left of {product} ({size})."),
    "cart.only_left_have": N_(
        "Only {left} left of {product} ({size}). You already have {already} in your cart."
    ),
    "cart.line_limit": N_("You can have at most {limit} of {product} ({size}) in your cart."),
    # --- checkout and orders
    "checkout.cart_empty": N_("Your cart is empty, so there is nothing to order."),
    "checkout.blocked": N_(
        "Some items in your cart can't be ordered as they are (marked ⚠️). "
        "Please lower the quantity or remove them first."
    ),
    "catalog_file.preview_replaced": N_(
        "A newer file's preview replaced this one, so this one can no longer be applied. "
        "Use the buttons under the latest preview."
    ),
    "catalog_file.changed_since_preview": N_(
        "The shop changed since the preview (stock was sold or edited), so the file would now "
        "do something else. Nothing was imported: send the file again to see a new preview."
    ),
    "checkout.below_minimum": N_(
        "Card payments start at {minimum!m}, and your cart comes to less. "
        "Please add something to it."
    ),
    "checkout.total_too_large": N_(
        "An order can be at most {limit!m}, the most one payment can take. "
        "Please split your cart into smaller orders."
    ),
    # --- shipping
    "shipping.bad_name": N_("A delivery option's name is 1 to {limit} characters long."),
    "shipping.bad_price": N_(
        "A delivery price is 0 or more, and the amount it is free from is more than 0."
    ),
    "shipping.unknown_country": N_(
        "{country!q} is not a country code. Use two letters, like DE or AT."
    ),
    "shipping.name_taken": N_("There is already a delivery option {name!q}. /shipping lists them."),
    "shipping.unknown": N_("There is no delivery option {name!q}. /shipping lists them."),
    "shipping.choose": N_("Please choose how your order should be delivered."),
    "shipping.ended": N_(
        "The delivery option {name} is no longer offered. Please choose another one."
    ),
    "shipping.not_to_country": N_("The delivery option {name} does not deliver to {country!c}."),
    "shipping.no_option": N_(
        "Sorry, we don't deliver to {country!c}. Please choose another address."
    ),
    # --- promo codes
    "promo.bad_code": N_(
        "A promo code is 3 to {limit} letters, digits, hyphens or underscores, like SPRING10."
    ),
    "promo.unknown": N_("There is no promo code {promo!q}. Please check how it is spelled."),
    "promo.ended": N_("The promo code {promo} has ended."),
    "promo.expired": N_("The promo code {promo} expired on {until!d}."),
    "promo.used_up": N_("The promo code {promo} has been used up."),
    "promo.customer_limit": N_(
        "You have already used the promo code {promo} as often as it allows."
    ),
    "promo.below_minimum": N_("The promo code {promo} is for orders of {minimum!m} or more."),
    "promo.other_currency": N_("The promo code {promo} is for orders paid in {currency}."),
    "promo.code_taken": N_("There is already a promo code {promo}. /promos lists them."),
    "promo.bad_prefix": N_("A prefix is 1 to 16 letters, digits, hyphens or underscores."),
    "promo.batch_size": N_("/makecodes makes 1 to {limit} codes at a time."),
    "promo.percent_or_amount": N_("A promo code takes off a percentage or an amount, not both."),
    "order.cart_empty": N_("Your cart is empty."),
    "order.address_not_found": N_("That address was not found. Please choose another one."),
    "order.product_not_sold": N_("{product} is no longer sold. Please remove it from your cart."),
    "order.mixed_currencies": N_(
        "Your cart has prices in more than one currency. Please order them separately."
    ),
    "order.sold_out": N_("Sorry, {product} (size {size}) is sold out."),
    "order.only_left": N_(
        "Sorry, only {left} of {product} (size {size}) left. "
        "Please lower the quantity in your cart."
    ),
    "order.not_found": N_("Order #{order_id} was not found."),
    "order.cannot_request_cancel": N_(
        "Order #{order_id} is {status!l}, so there is nothing to ask: an order can be "
        "cancelled on request only once it is paid and before it ships."
    ),
    "order.keep_needs_paid": N_(
        "Order #{order_id} is {status!l}: /keeporder answers a request to cancel a paid order."
    ),
    "order.cannot_cancel": N_(
        "Order #{order_id} is {status!l}, so it can no longer be cancelled here. "
        "Please contact us if you need help."
    ),
    "order.cannot_become": N_("Order #{order_id} is {status!l}; it cannot become {to!l}."),
    "language.unknown": N_("The shop doesn't speak {language!q}. Choose one from /language."),
    "checkout.cart_changed": N_(
        "Your cart changed since you saw the summary, so nothing was ordered. Please check it."
    ),
    "webapp.bad_request": N_("Something went wrong with that request. Please try again."),
    "translation.unknown_language": N_(
        "The shop has no texts in {language!q}. Translations can be in {known}."
    ),
    # --- admins moving orders
    "order.use_cancelorder": N_(
        "To cancel order #{order_id}, send /cancelorder {order_id}: it puts the items "
        "back in stock and refunds the payment."
    ),
    "order.use_refund": N_(
        "To refund order #{order_id}, send /refund {order_id}: it gives the money back "
        "through the payment provider."
    ),
    "order.paid_by_provider": N_(
        "An order becomes paid only when its payment provider confirms the money."
    ),
    "order.never_back_to_pending": N_("An order can't go back to awaiting payment."),
    "order.already_in": N_("Order #{order_id} is already {status!l}."),
    "order.closed": N_("Order #{order_id} is {status!l}: a closed order can't change any more."),
    "order.unpaid_cannot": N_(
        "Order #{order_id} is awaiting payment: an order awaiting payment can't be {to!l}."
    ),
    "order.not_shipped_yet": N_(
        "Order #{order_id} hasn't shipped yet: send /setstatus {order_id} shipped first."
    ),
    "order.cannot_cancel_sent": N_(
        "Order #{order_id} has been {status!l}, so it can't be cancelled; "
        "/refund {order_id} refunds it."
    ),
    "order.cannot_change": N_("Order #{order_id} is {status!l}; it can't become {to!l}."),
    "order.refunding_not_shippable": N_(
        "Order #{order_id} is being refunded, so it can't be shipped."
    ),
    "order.bad_status": N_("Usage: {usage}\nStatuses: {statuses}"),
    "tracking.only_when_shipped": N_(
        "A tracking number goes with a shipment: /setstatus {order_id} shipped <tracking number> "
        "[carrier]."
    ),
    "tracking.number_invalid": N_(
        "{number!q} doesn't look like a tracking number: use up to 64 letters and digits "
        "(dashes, dots and slashes are fine)."
    ),
    "tracking.carrier_invalid": N_(
        "{carrier!q} doesn't look like a carrier's name: use up to 32 letters, e.g. DHL or UPS."
    ),
    # --- refunds
    "refund.already_done": N_("Order #{order_id} has already been refunded."),
    "refund.nothing_to_refund": N_(
        "Order #{order_id} has no payment to refund (it is {status!l})."
    ),
    "refund.no_payment": N_("Order #{order_id} has no payment to refund."),
    "refund.stripe_confirms": N_(
        "Stripe confirms the refund of order #{order_id} itself: the order becomes "
        "refunded when it does."
    ),
    # --- paying
    "payment.cannot_pay": N_("Order #{order_id} is {status!l}; it cannot be paid."),
    "payment.under_review": N_(
        "A payment for order #{order_id} is already being checked by the shop. "
        "Please wait for us to contact you."
    ),
    "payment.order_unknown": N_("We could not find the order this payment belongs to."),
    "payment.too_late": N_(
        "Order #{order_id} was not paid in time and is being cancelled. Please order again."
    ),
    "payment.being_confirmed": N_(
        "Stripe has your payment for order #{order_id} and is confirming it; we will tell you "
        "here as soon as it does."
    ),
    "payment.too_little_time": (  # rendered through PLURALS
        "Order #{order_id} is released in {minutes} minutes: too soon for a card "
        "payment page, which stays open 30 minutes. Cancel it in /orders and order again."
    ),
    "payment.unavailable": N_("Card payments are not available right now. Please try again later."),
    "payment.unreachable": N_("The payment service did not answer. Please try again in a minute."),
    "payment.declined": N_("The payment was declined. Please check the card or try another one."),
    "payment.already_refunded": N_(
        "Stripe has already refunded this payment; the order becomes refunded when Stripe's "
        "confirmation arrives."
    ),
    "payment.not_ours": N_(
        "This payment request is not valid. Nothing was charged; please order again."
    ),
    "payment.no_order": N_("We couldn't find this order. Nothing was charged; please order again."),
    "payment.timed_out": N_(
        "This order was cancelled because it wasn't paid in time. Please order again."
    ),
    "payment.order_cancelled": N_(
        "Order #{order_id} was cancelled, so nothing was charged. Please order again."
    ),
    "payment.already_moved_on": N_(
        "Order #{order_id} is already {status!l}, so nothing was charged."
    ),
    "payment.amount_changed": N_(
        "The amount changed; please check out again. Nothing was charged."
    ),
    "payment.no_charge_id": N_("This payment has no Telegram charge id."),
    "stripe_event.not_an_event": N_("This is not a Stripe event."),
    "stripe_event.no_object": N_("This Stripe event carries no object."),
    # --- saved cards
    "card.other_account": N_("This card is already saved to another account."),
    "card.no_token": N_("The card could not be saved: the payment provider sent no token."),
    "card.number_refused": N_(
        "For your safety we never store card numbers. The card was not saved."
    ),
    "card.no_brand": N_("The card could not be saved: its brand is missing."),
    "card.bad_last4": N_("The last four digits of the card must be exactly four digits."),
    "card.bad_month": N_("The card's expiry month must be between 1 and 12."),
    "card.bad_year": N_("The card's expiry year is not valid."),
    "card.not_found": N_("That saved card was not found."),
    "card.not_removed": N_(
        "The card could not be removed just now: our payment provider did not confirm it. It is "
        "still saved; please try again in a minute."
    ),
    # --- reviews
    "rating.out_of_range": N_("Please rate from 1 to 5 stars."),
    "review.empty": N_("Your review is empty. Please write a few words."),
    "review.too_long": N_(
        "Your review is {length} characters long. Please keep it within {limit}."
    ),
    "review.not_found": N_("Review #{review_id} not found."),
    "review.product_not_found": N_("We couldn't find that product."),
    "review.buyers_only": N_("Only customers who bought {product} can review it."),
    "rating.buyers_only": N_("Only customers who bought {product} can rate or review it."),
    # --- customers and their addresses
    "customer.not_found": N_("We couldn't find that customer."),
    "customer.unknown_telegram_id": N_("Customer with Telegram id {telegram_id} not found."),
    "email.invalid": N_(
        "{email!q} doesn't look like an email address. Please send one like name@example.com."
    ),
    "address.one_line": N_("Please send {field!f} on a single line."),
    "address.missing": N_("Please send {field!f}."),
    "address.too_long": N_(
        "That is too long. Please send {field!f} in at most {limit} characters."
    ),
    "address.bad_phone": N_("Please send a phone number of 7 to 15 digits, like +49 30 1234567."),
    "address.too_short": N_("That looks too short for {field!f}. Please send it in full."),
    "address.phone_for_country": N_(
        "{phone!q} isn't a phone number in {country}. Please send the phone number again, with "
        "its country code if it's from another country (like +49 30 1234567)."
    ),
    "address.postal_code_for_country": N_(
        "{postal_code!q} isn't a postal code in {country} (they look like {example}). "
        "Please send the postal code again."
    ),
    "address.bad_postal_code": N_(
        "Please send a postal code of 2 to 10 letters or digits, like 10115 or SW1A 1AA."
    ),
    "address.unknown_country": N_(
        "I don't know the country {country!q}. "
        "Please send its name in English or its two-letter code, like DE."
    ),
    "address.too_many": N_("You can keep up to {limit} addresses. Please delete one first."),
    "address.not_found": N_("We couldn't find that address. It may have been deleted."),
    # --- admins
    "admin.usage": N_("Usage: {usage}"),
    "admin.owners_only": N_("Only the shop's owners (ADMIN_IDS) can promote or demote admins."),
    "admin.is_owner": N_("That user is an owner (ADMIN_IDS); change the configuration instead."),
    "admin.unknown_user": N_("No customer with that Telegram id has written to the bot yet."),
    "broadcast.text_or_copy": N_("A broadcast needs a text or a message to copy, and not both."),
    "broadcast.text_or_reply": N_(
        "Send /broadcast with a text, or reply with just /broadcast to the message to copy; "
        "not both."
    ),
    "broadcast.already_started": N_("That /broadcast has already started."),
    "broadcast.nobody": N_("There is nobody to send it to: no other customer can get messages."),
    "broadcast.preview_replaced": N_(
        "A newer /broadcast replaced this preview, and this one can no longer be sent. "
        "Use the buttons under the latest preview."
    ),
    # --- backups (/backup, and shopbot backup and restore on the server)
    "backup.owners_only": N_(
        "Only the shop's owners (ADMIN_IDS) can download the database: it holds every "
        "customer's address."
    ),
    "backup.postgresql": N_(
        "The shop's database is PostgreSQL, which is backed up on the server with pg_dump, "
        "not sent here: shopbot backup prints the command to run."
    ),
    "backup.too_large": N_(
        "The database is {size_mb!n} MB, more than the {limit_mb!n} MB Telegram lets a bot "
        "send. Run shopbot backup on the server instead."
    ),
    "backup.no_database": N_("There is no database at {path} to back up."),
    "backup.exists": N_("{path} already exists: name another file, or a folder."),
    "restore.postgresql": N_(
        "shopbot restore puts back a copy of the SQLite database, and this shop's database is "
        "PostgreSQL: stop the shop and restore the pg_dump file with pg_restore."
    ),
    "restore.no_backup": N_("There is no file at {path}."),
    "restore.same_file": N_("{path} is the shop's database itself: name a backup of it."),
    "restore.shop_running": N_(
        "The shop is running on this database (shopbot run, a console, or another shopbot "
        "command): stop it, then restore."
    ),
    "restore.not_sqlite": N_("{path} is not an SQLite database, so it is no backup of the shop."),
    "restore.damaged": N_(
        "{path} is damaged: SQLite's integrity check found errors in it. Try another backup."
    ),
    "restore.not_a_shop": N_(
        "{path} is an SQLite database, but not one of this shop: it has no schema version "
        "(alembic_version)."
    ),
    "restore.newer": N_(
        "{path} comes from a newer version of the shop (schema {revision}): update the shop, "
        "then restore it."
    ),
}

# Codes whose wording depends on a count: code -> (the counted parameter, its plural forms).
PLURALS: dict[str, tuple[str, tuple[str, str]]] = {
    "catalog_file.invalid": (
        "count",
        N_plural("The file has {count!n} problem:", "The file has {count!n} problems:"),
    ),
    "payment.too_little_time": (
        "minutes",
        N_plural(
            "Order #{order_id} is released in {minutes} minute: too soon for a card "
            "payment page, which stays open 30 minutes. Cancel it in /orders and order again.",
            "Order #{order_id} is released in {minutes} minutes: too soon for a card "
            "payment page, which stays open 30 minutes. Cancel it in /orders and order again.",
        ),
    ),
}


class _Formatter(string.Formatter):
    def __init__(self, params: Mapping[str, object]) -> None:
        self.params = params

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "q":
            return quoted(str(value))
        if conversion == "l":
            return status_label(str(value))
        if conversion == "m":
            return format_amount(int(value), str(self.params["currency"]), current_language())
        if conversion == "f":
            return _(FIELD_WORDS[str(value)])
        if conversion == "n":
            return number(int(value))
        if conversion == "d":
            return long_date(date.fromisoformat(str(value)))
        if conversion == "c":
            return country_name(str(value))
        return super().convert_field(value, conversion)


def _header_problems(params: Mapping[str, Any]) -> dict[str, object]:
    """What is wrong with a catalogue file's first line, in one parenthesis."""
    problems = []
    if params["missing"]:
        problems.append(_("missing {columns}").format(columns=", ".join(params["missing"])))
    if params["unknown"]:
        unknown = ", ".join(quoted(name) for name in params["unknown"])
        problems.append(_("unknown {columns}").format(columns=unknown))
    if params["repeated"]:
        problems.append(_("repeated {columns}").format(columns=", ".join(params["repeated"])))
    return {"problems": "; ".join(problems)}


# Codes whose parameters are lists, put into words here before the template is filled in.
COMPOSED: dict[str, Callable[[Mapping[str, Any]], dict[str, object]]] = {
    "catalog_file.bad_header": _header_problems,
}


def template(code: str, params: Mapping[str, object]) -> str:
    """The template for this code, in the reader's language and the plural its count calls
    for."""
    counted = PLURALS.get(code)
    if counted is not None:
        parameter, (singular, plural) = counted
        return ngettext(singular, plural, int(str(params[parameter])))
    return _(ERRORS[code])


_CUSTOMER_SIZES = ("cart.", "order.")  # errors naming a size as customers read it


def render(code: str, params: Mapping[str, object]) -> str:
    compose = COMPOSED.get(code)
    values = {**params, **compose(params)} if compose else params
    if code.startswith(_CUSTOMER_SIZES) and isinstance(values.get("size"), str):
        values = {**values, "size": size_name(str(values["size"]))}
    return _Formatter(values).vformat(template(code, params), (), values)


def line_problem(problem: LineError) -> str:
    text = render(problem.code, problem.params)
    if problem.column:
        return _("Line {line}: {column}: {problem}").format(
            line=problem.line, column=problem.column, problem=text
        )
    return _("Line {line}: {problem}").format(line=problem.line, problem=text)


def file_problems(error: CatalogFileInvalid) -> str:
    """The count and the first few problems of a catalogue file, one a line, never more than
    fits in one Telegram message with room to spare."""
    shown: list[str] = []
    for problem in error.errors[:MAX_ERRORS_SHOWN]:
        line = line_problem(problem)
        if sum(len(kept) + 1 for kept in shown) + len(line) > FILE_PROBLEMS_ROOM:
            break
        shown.append(line)
    hidden = error.count - len(shown)
    if hidden:
        shown.append(
            ngettext("…and {count} more.", "…and {count} more.", hidden).format(
                count=number(hidden)
            )
        )
    return "\n".join([render(error.code, error.params), *shown])


def error_text(error: ShopError) -> str:
    """Plain text (callers escape it for HTML)."""
    if isinstance(error, CatalogFileInvalid):
        return file_problems(error)
    return render(error.code, error.params)
