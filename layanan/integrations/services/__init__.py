"""Every change the adapters make: one module per national system (lapor, siak, opensid)."""
