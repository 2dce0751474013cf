"""Big batches of rows pause Python's cycle collector, and always start it again."""

import gc

import pytest

from core.batch import collector_paused


def test_the_collector_is_paused_inside_and_running_again_after():
    assert gc.isenabled()

    with collector_paused():
        assert not gc.isenabled()

    assert gc.isenabled()


def test_a_nested_pause_leaves_the_collector_paused_until_the_outer_one_ends():
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()

    assert gc.isenabled()


def test_an_error_inside_still_starts_the_collector_again():
    @collector_paused()
    def failing_import():
        raise ValueError("row 7")

    with pytest.raises(ValueError):
        failing_import()

    assert gc.isenabled()


def test_a_collector_someone_else_stopped_stays_stopped():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
