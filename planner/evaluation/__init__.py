"""Evaluation (standard 8.3.5): instruments, pre/post/follow-up scores, GAS, the evaluation page."""
