"""The background task that delivers one email: thin, it takes an id."""

from django_tasks import task

BACKEND = "background"


@task(backend=BACKEND, queue_name="mail")
def deliver(email_id: int) -> str:
    from .services import email_deliver

    return email_deliver(email_id=email_id)
