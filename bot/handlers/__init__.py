"""Telegram handlers: thin functions that parse an update, call one service, render."""
