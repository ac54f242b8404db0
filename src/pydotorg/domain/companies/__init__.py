"""Companies: named by success stories (admin only, as on python.org)."""
