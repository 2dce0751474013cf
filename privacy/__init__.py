"""What a person may ask of the data held about them (UU PDP 27/2022): a copy of all of it.

Above every app whose data it reads, so it may read them all; none of them knows it.
"""
