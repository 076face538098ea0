"""The figures a county is judged by, defined once: app/stats/figures.py."""
