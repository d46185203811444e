from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import Job
from .selectors import job_status


@never_cache
@require_GET
def status_view(request, pk: int):
    """How far a job has got: for the person who started it only (anyone
    else, signed in or not, gets the same 404 whether or not it exists)."""
    user = request.user
    job = Job.objects.filter(pk=pk).first()
    if job is None or not user.is_authenticated or job.started_by_id != user.pk:
        raise Http404
    return JsonResponse(job_status(job=job))
