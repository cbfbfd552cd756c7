"""The screen pop (issue 5, item 2): the consultant's page asks every two seconds (htmx) for
the call they are on; when one is answered at their extension it shows the caller's earlier
appeals, found through the phone's blind index (never when the number is withheld), and a link
that opens the new-appeal form with the phone filled in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qorgau.appeals.access import access_earlier_appeals
from qorgau.calls.selectors import current_call
from qorgau.core.access import require
from qorgau.core.roles import Perm


@login_required
def screen_pop(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.APPEAL_CREATE)
    call = current_call(request.user)
    earlier = []
    if call is not None and call.caller:
        earlier = access_earlier_appeals(
            request.user, phone=call.caller, reason="screen pop: incoming call"
        )
    return render(request, "calls/_screen_pop.html", {"call": call, "earlier": earlier})
