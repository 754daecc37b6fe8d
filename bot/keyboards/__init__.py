"""Inline keyboards and the compact callback data their buttons carry."""
