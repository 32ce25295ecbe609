"""The embedded snapshot: build (raw -> Parquet + catalog), load, verify, cite."""
