"""Calendar feeds: tokens, iCal building, subscription screens (PRIVACY_SECURITY.md §3–4)."""
