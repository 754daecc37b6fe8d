"""Business logic as plain async functions over an AsyncSession; no Telegram here."""
