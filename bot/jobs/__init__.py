"""Background work: outbox delivery, broadcasts, expiry of unpaid orders."""
