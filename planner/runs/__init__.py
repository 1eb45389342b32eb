"""Run mode: the tablet in the room (agenda, timers, attendance taps, headcount, notes)."""
