"""What the live rooms announce to apps that read them without being known by
them (the CMS): sent after commit."""

from django.dispatch import Signal

# What a roadshow's public page shows of its room changed (the answered
# questions published there): keyword argument ``roadshow_id``.
room_page_changed = Signal()
