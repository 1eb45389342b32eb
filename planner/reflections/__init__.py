"""Reflections (反思记录), supervision (督导), missing records and stage timelines."""
