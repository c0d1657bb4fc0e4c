"""Cross-cutting pieces of the marketplace: health check, API root, page cache."""
