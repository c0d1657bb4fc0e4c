"""Demo data for `make run`: a real-looking catalogue and one user per role."""
