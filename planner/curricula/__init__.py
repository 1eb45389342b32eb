"""Curriculum library: 课程方案, 单节设计, 活动环节, stage models, content/ as data."""
