"""Test pages: the participant's own (participant.py) and the organiser's (organiser.py)."""
