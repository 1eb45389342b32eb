"""Programs (开展计划), their sessions (活动节次), placement, changes and feeds."""
