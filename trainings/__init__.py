"""Trainings and their sessions, enrolment and the waiting list, check-in, attendance, reports.

The domain every later app builds on: tests, evaluations and certificates point at a training
and its enrolments; nothing here knows them.
"""
