"""A Telegram shop bot: catalogue, search, cart, checkout, payments, orders and reviews."""
