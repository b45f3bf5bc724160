"""Vietnamese unless the person chose otherwise: a browser's Accept-Language does not switch an
officer's counter PC to English; only the language switch (its cookie) does."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChosenLanguageOnly:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
