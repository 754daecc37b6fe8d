"""Slash commands for the shop's admins; to anyone else they don't exist."""
