"""Every word the Mini App storefront (bot/web/storefront/static) shows, for its reader.

The page gets them all at once, translated, from `page_texts()`, keyed by the constant's name
in lower case (`_ADD_TO_CART` is "add_to_cart"), and fills in the `{placeholders}` itself. They
are plain text, never HTML: the page puts them into the document as text. Counts stand after a
colon ("In stock: 3") so that no sentence changes with its number. Money, product and category
names, sizes, statuses and errors come from the API already in the reader's language.
"""

from __future__ import annotations

import re

from bot.texts.i18n import N_, _, translated_constant

# ---------------------------------------------------------------- everywhere
_SHOP = N_("Shop")
_BACK = N_("Back")
_CLOSE = N_("Close")
_LOADING = N_("Loading…")
_RETRY = N_("Try again")
_ERROR_GENERIC = N_("Something went wrong. Please try again.")
_OFFLINE = N_("No connection to the shop. Check your internet and try again.")
_CART = N_("Cart")

# ---------------------------------------------------------------- home and search
_GREETING = N_("Hello, {name}!")
_SEARCH_LABEL = N_("Search the shop")
_SEARCH_PLACEHOLDER = N_("Search products")
_SEARCH_FOUND = N_("Found: {count}")
_SEARCH_NOTHING = N_("Nothing found for “{query}”. Try other words, or browse the categories.")
_CATEGORIES = N_("Categories")
_PRODUCTS_COUNT = N_("Products: {count}")
_CATALOGUE_EMPTY = N_("The catalogue is empty right now. Please come back soon.")
_WISHLIST = N_("Wishlist")

# ---------------------------------------------------------------- category and product
_CATEGORY_EMPTY = N_("Nothing here right now.")
_LOAD_MORE = N_("Load more")
_SOLD_OUT = N_("Sold out")
_PRODUCT_SOLD_OUT = N_("Sold out for now.")
_RATING = N_("Rating: {rating} out of 5")
_RATINGS_COUNT = N_("Ratings: {count}")
_NOT_RATED = N_("Not rated yet")
_SIZE = N_("Size")
_CHOOSE_SIZE = N_("Choose a size")
_IN_STOCK = N_("In stock: {count}")
_QUANTITY = N_("Quantity")
_QUANTITY_VALUE = N_("Quantity: {quantity}")
_DECREASE = N_("Decrease quantity")
_INCREASE = N_("Increase quantity")
_ADD_TO_CART = N_("Add to cart")
_ADDED_TO_CART = N_("Added to your cart")
_SAVE = N_("♡ Save")
_SAVED = N_("♥ Saved")
_NOTIFY_ME = N_("🔔 Notify me when {size} is back")
_WAITING = N_("🔔 We'll tell you when {size} is back")
_STOP_WAITING = N_("Tap it again if you no longer want to hear.")

# ---------------------------------------------------------------- wishlist
_WISHLIST_TITLE = N_("Your wishlist")
_WISHLIST_EMPTY = N_(
    "Your wishlist is empty. Tap ♡ Save on a product to keep it here: we'll tell you when its "
    "price drops."
)

# ---------------------------------------------------------------- cart
_CART_TITLE = N_("Your cart")
_CART_EMPTY = N_("Your cart is empty.")
_BROWSE_CATALOGUE = N_("Browse the catalogue")
_SIZE_VALUE = N_("Size: {size}")
_REMOVE = N_("Remove")
_TOTAL = N_("Total")
_CHECKOUT = N_("Checkout")
_CART_PROBLEMS = N_("Some items need your attention before you can check out.")

# ---------------------------------------------------------------- checkout and summary
_DELIVERY_ADDRESS = N_("Delivery address")
_CHOOSE_ADDRESS = N_("Where should we deliver? Choose a saved address or add a new one.")
_DEFAULT_ADDRESS = N_("Default")
_NEW_ADDRESS = N_("New address")
_OPTIONAL = N_("optional")
_REQUIRED = N_("Please fill this in.")
_COUNTRY_HINT = N_("Two-letter code, like DE")
_SAVE_ADDRESS = N_("Save address")
_SUMMARY_TITLE = N_("Order summary")
_SHIPPING_TO = N_("Shipping to")
_PLACE_ORDER = N_("Place order")
_DELIVERY_OPTION = N_("Delivery")
_CHOOSE_DELIVERY = N_("Choose how we should deliver your order.")
_PROMO_CODE = N_("Promo code")
_APPLY = N_("Apply")
_REMOVE_CODE = N_("Remove code")
_DELIVERED_IN_CHAT = N_("Digital goods: the bot sends them to you in the chat once you've paid.")

# ---------------------------------------------------------------- order and payment
_ORDER_TITLE = N_("Order #{order_id}")
_STATUS = N_("Status")
_ITEMS = N_("Items")
_PAY = N_("Pay {total}")
_AWAITING_PAYMENT = N_(
    "We're holding your items until you pay. This page updates by itself once the payment arrives."
)
_PAYMENT_OFF = N_("Online payment isn't switched on in this shop yet.")
_PAID = N_("Payment received. Thank you!")
_PAYMENT_FAILED = N_("The payment didn't go through. Nothing was charged; please try again.")
_CONTINUE_SHOPPING = N_("Continue shopping")

_CONSTANT = re.compile(r"_[A-Z][A-Z0-9_]*")


def __getattr__(name: str) -> str:
    """`storefront.ADD_TO_CART` is `_ADD_TO_CART`, translated for the current reader."""
    return translated_constant(globals(), name)


def page_texts() -> dict[str, str]:
    """Every text of the page, translated for the current reader: {"add_to_cart": "…"}."""
    return {
        name[1:].lower(): _(source)
        for name, source in globals().items()
        if _CONSTANT.fullmatch(name) and isinstance(source, str)
    }
