"""Stand-ins for the outside world the shop talks to, for tests."""
