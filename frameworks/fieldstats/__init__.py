"""Field statistics from published reviews (data only)."""
