"""School calendars: bell schedules, statutory holidays, 调休 days, exams, closures."""
