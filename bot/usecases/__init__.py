"""One function per thing a customer or admin does; each owns its transactions."""
