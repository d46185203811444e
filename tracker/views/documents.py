"""A deal's documents, served to its parties only."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.permissions import user_can
from uploads import protected_file_response

from ..models import DealDocument


@require_GET
def document_download(request, pk: int):
    document = get_object_or_404(
        DealDocument.objects.select_related("deal", "deal__achievement"), pk=pk
    )
    if not user_can(request.user, "deal.view", document.deal):
        raise Http404
    return protected_file_response(
        document.file,
        content_type=document.content_type,
        filename=document.original_name,
    )
