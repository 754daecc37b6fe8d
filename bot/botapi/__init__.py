"""Telegram Bot API plumbing: the HTTP transport, rate limiting, per-chat concurrency."""
