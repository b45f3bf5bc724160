from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.workdays import OutOfCalendar, explain

from .forms import DueForm
from .selectors import calendar_for


@login_required
def due_calculator(request: HttpRequest) -> HttpResponse:
    """The officer's quick calculator: a GET form, nothing is written."""
    form = DueForm(request.GET or None)
    result = None
    if form.is_valid():
        calendar = calendar_for(agency=form.cleaned_data["agency"])
        received, term = form.cleaned_data["received"], form.term()
        try:
            result = {"due": calendar.due(received, term), "explanation": explain(received, term, calendar)}
        except OutOfCalendar as error:
            form.add_error("received", str(error))
    return render(request, "calendars/due_calculator.html", {"form": form, "result": result})
