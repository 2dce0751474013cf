"""The staff directory: units (OPD), employees (ASN by NIP, non-ASN by NIK), accounts, imports."""
