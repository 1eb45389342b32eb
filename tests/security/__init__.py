"""Security sweeps over every route of the access matrix: stored XSS and a canary name."""
