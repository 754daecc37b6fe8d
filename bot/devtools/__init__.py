"""Stand-ins for the outside world, for the offline console and tests; never in production."""
