"""Talking to payment providers over the network; no Telegram and no database here."""
