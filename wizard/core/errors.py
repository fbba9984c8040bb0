"""Errors the engine and its step bodies share (kept apart so neither imports the other for them)."""

from __future__ import annotations


class InputError(Exception):
    """Bad input found while running (bad env name, bad phone number, lock busy): exit 2."""
