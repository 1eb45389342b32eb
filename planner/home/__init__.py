"""What the home page (planner/dashboard.py) lists, by role: a worker's week, what is due
and her programs (worker.py); a supervisor's review queue and counts per worker
(supervisor.py); an admin's setup gaps (setup.py). Each list costs a fixed number of
queries, however much data there is."""
