"""Builders and local servers for the tests."""
