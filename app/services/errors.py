"""What services raise; views turn each into a page, a form error or a status code."""


class NotFound(LookupError):
    """Nothing matches (or the actor may not see it); answer 404 without saying which."""


class Mistyped(NotFound):
    """A receipt code no receipt can carry (its length, letters or check character are wrong).

    Safe to tell apart: the check character is computed from the code alone, so saying so
    tells nothing about which codes exist; a well-formed unknown code is plain NotFound."""


class Conflict(Exception):
    """Someone else changed the case since the page was loaded; nothing was written."""


class Refused(Exception):
    """The step is not allowed now; `reason` is a key the views translate."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class AlreadyFiled(Exception):
    """This form's one-time key filed a case with other words: nothing new was written.

    `receipt` is the first case's Receipt, so the page can link to it; the citizen's new
    words are theirs to send again as a new suggestion (with a fresh key)."""

    def __init__(self, receipt):
        super().__init__("already filed")
        self.receipt = receipt
