"""Plumbing every app uses, and no models of its own (only abstract ones).

The bottom layer: it imports no app of the project. Roles and permission checks, PDF rendering,
spreadsheets, QR codes, the rate limit, background jobs, the hand-written SQL of the hottest
reads, form-error helpers, date filters, and the registries through which a lower layer lets a
higher one add to it (summary sections).
"""
