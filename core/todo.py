"""What needs doing next for a training, as the organiser's home page lists it.

Each app that has something to say (enrolment, tests, evaluation, certificates) offers a selector
returning, for many trainings at once and in a fixed number of queries, a list of Todo per
training; the home page puts them together.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    """One thing to do: what, and the link that does it."""

    text: str
    action: str
    url: str
    urgent: bool = False


def merge_todos(*parts: dict[int, list[Todo]]) -> dict[int, list[Todo]]:
    """Put the apps' todos per training together, urgent ones first, each app's order kept."""
    merged: dict[int, list[Todo]] = {}
    for part in parts:
        for training_id, todos in part.items():
            merged.setdefault(training_id, []).extend(todos)
    return {
        training_id: sorted(todos, key=lambda todo: not todo.urgent)
        for training_id, todos in merged.items()
    }
