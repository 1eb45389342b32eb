"""An append-only audit log (PRIVACY_SECURITY.md §5, 未成年人网络保护条例 Art. 34–37)."""
