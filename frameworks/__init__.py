"""Bundled question banks (data only); installed as ``kit.frameworks`` so the kit finds them through its package."""
