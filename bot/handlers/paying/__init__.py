"""Chat handlers for paying: offering payment, Stripe pages, Telegram invoices, saved cards."""
