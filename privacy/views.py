import json
import logging

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from privacy.personal_data import personal_data

logger = logging.getLogger(__name__)


@never_cache
@require_GET
@login_required
def my_data(request):
    """Download everything Bimtek holds about the signed-in person, as one JSON file."""
    body = json.dumps(
        personal_data(user=request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    logger.info("Account %s downloaded its personal data", request.user.pk)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"data-saya-bimtek-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
