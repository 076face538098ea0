"""Yima's rules in plain Python: no Flask, no SQLAlchemy, `now` always passed in."""
