"""The case engine shared by applications and reports (:mod:`layanan.cases.workflow`)."""
