"""Users, roles, assignments, login."""
