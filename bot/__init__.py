"""A Telegram shop bot: catalogue, search, cart, checkout, payments, orders and reviews."""

import os

# Opt in now to python-telegram-bot's timedelta durations (RetryAfter.retry_after and friends),
# which become the only behaviour in its next major version.
os.environ.setdefault("PTB_TIMEDELTA", "1")
