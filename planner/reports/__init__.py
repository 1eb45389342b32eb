"""Term statistics (学期工作统计) a district asks for."""
