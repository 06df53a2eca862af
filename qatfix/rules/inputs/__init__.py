"""What could not be checked, and inputs that cannot make a run (QF0xx)."""
