"""Students, consent, class-list import, group rosters and the audit log."""
