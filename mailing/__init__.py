"""Email that leaves after the commit, from a background queue, once per
person (see :mod:`mailing.services`).  A helper: it knows nothing of the
domain and imports no app."""
