"""The risk register's starter catalogue of failure modes (``catalogue.json``), shipped as package data."""
