"""The one error family the library raises for problems a user can act on.

The CLI turns a :class:`CreativeError` into one line on stderr and its ``exit_code``
(1 for failures, 2 for usage); anything else is a bug and shows a traceback only
with ``--debug``.
"""
from __future__ import annotations


class CreativeError(Exception):
    """A problem with the user's input or environment, stated in one line."""

    exit_code = 1


class UsageError(CreativeError):
    """A bad argument value: unknown name, malformed size, empty title..."""

    exit_code = 2


class InputError(CreativeError):
    """An input file exists but cannot be used (not an image, truncated, too large...)."""

    exit_code = 1


class TemplateError(CreativeError):
    """A template file is invalid; the message names the file and the field path."""

    exit_code = 1


class ModelError(CreativeError):
    """Model weights are missing or could not be fetched or verified."""

    exit_code = 1


class TextFitError(UsageError):
    """A text cannot fit its box even at the minimum size with an ellipsis."""
