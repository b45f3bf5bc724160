"""API v1 for records (hồ sơ): create (idempotent), list, detail, and one endpoint per action."""
