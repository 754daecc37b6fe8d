"""Benchmarks: each prints a Markdown table and can write JSON (see README)."""
