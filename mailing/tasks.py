"""The background task that delivers one email: thin, it takes an id."""

from django_tasks import task

BACKEND = "background"


@task(backend=BACKEND, queue_name="mail")
def deliver(email_id: int, request_id: str = "") -> str:
    """Send one queued email, logged under the request that queued it."""
    import tracing

    from .services import email_deliver

    with tracing.bound(request_id or tracing.accept(None)):
        return email_deliver(email_id=email_id)
