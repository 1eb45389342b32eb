"""Word exports: pure functions from a context dict to .docx bytes, and user templates."""
