"""The national sync format (spec/dvcqg-sync.md): the one mapping between motcua's records and
sync records (`mapping`), and streaming `reader` / `writer` for JSON arrays and JSON Lines."""
