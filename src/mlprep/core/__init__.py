"""Pure domain logic: models, deck format, SM-2, clock. No Qt, no SQL."""
