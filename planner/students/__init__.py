"""服务对象: pseudonymous students, consent, group rosters, attendance, reflections."""
