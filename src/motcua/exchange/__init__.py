"""Exchange: records in and out in the national sync format (spec/dvcqg-sync.md); later the
connectors and the outbox."""
