"""Messages people send in by SMS and WhatsApp: CEK, ADUAN and help."""
