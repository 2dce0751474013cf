"""Certificates: templates, eligibility, numbering, issuing, PDF and public verification."""
