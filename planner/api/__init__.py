"""The read-only JSON API (plus curriculum import), authenticated by personal access tokens."""
