"""Demo data: the seeded units, people and cases, and a generator for volume; kept out of the app proper."""
