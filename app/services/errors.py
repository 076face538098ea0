"""What services raise; views turn each into a page, a form error or a status code."""


class NotFound(LookupError):
    """Nothing matches (or the actor may not see it); answer 404 without saying which."""


class Conflict(Exception):
    """Someone else changed the case since the page was loaded; nothing was written."""


class Refused(Exception):
    """The step is not allowed now; `reason` is a key the views translate."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
