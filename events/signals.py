"""Signals for apps that render roadshows without events knowing them (the CMS)."""

from django.dispatch import Signal

# Sent after the transaction commits, with ``roadshow_id``, whenever a roadshow's
# status or calendar-visible details changed.
roadshow_changed = Signal()
