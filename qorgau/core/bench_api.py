"""The benchmark floor: POST /api/v1/bench/floor inserts one row with the same authentication as
registration, so bench/intake.py can compare registration with the cheapest possible write on
the same server. Mounted only when QORGAU_BENCH_FLOOR=1."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus

from qorgau.core.api import responses
from qorgau.core.models import FloorRow

router = Router(tags=["bench"])


class FloorIn(Schema):
    note: str = ""


@router.post("/floor", response=responses({201: dict}))
def floor(request: HttpRequest, payload: FloorIn) -> HttpStatus:
    row = FloorRow.objects.create(note=payload.note[:100])
    return HttpStatus(201, {"id": row.pk})
