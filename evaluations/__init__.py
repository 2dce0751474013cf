"""Evaluation forms (Kirkpatrick level 1): how participants judged the organisation and speakers.

An app of its own because its answers may be anonymous, which shapes its tables: nothing here
may join an anonymous answer to a person.
"""
