"""POST /api/v1/bench/floor: authenticates as the product's API does (the same auth classes, on
a NinjaAPI of its own) and inserts one row, so that a benchmark can compare a product endpoint
with the cheapest possible write on the same server. bench/urls.py mounts it after the
product's URLs, so it is resolved after every product route, as it was when it was one."""

from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema
from ninja import Status as HttpStatus

from bench.floor.models import FloorRow
from qorgau.staff.auth import API_AUTH

router = Router(tags=["bench"])


class FloorIn(Schema):
    note: str = ""


@router.post("/floor", response={201: dict})
def floor(request: HttpRequest, payload: FloorIn) -> HttpStatus:
    row = FloorRow.objects.create(note=payload.note[:100])
    return HttpStatus(201, {"id": row.pk})


api = NinjaAPI(
    title="Qorgau benchmark floor",
    version="1",
    auth=API_AUTH,
    urls_namespace="bench",
    docs_url=None,
    openapi_url=None,
)
api.add_router("", router)
