"""Sending: from a composed issue to mail on the relay, exactly once and only to those
who may still have it."""
