"""How long a staff sign-in waits after wrong passwords: a delay that doubles, capped.

No failure count ever locks an account: a wait ends and the right password works again. Two
counters slow a guesser down (app/services/signin_throttle.py keeps them): one per account and
client address, which also binds the owner's own browser, and one per account across every
address, which a browser that signed in to that account before does not wait for.
"""
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Backoff:
    """Failures allowed without a wait, the first wait, and the longest."""

    free: int
    first: timedelta
    cap: timedelta

    def delay(self, failures: int) -> timedelta:
        """The wait after the `failures`-th failure in a row: none for the first `free`, then
        `first`, doubling with each further failure, never longer than `cap`."""
        if failures <= self.free:
            return timedelta(0)
        return min(self.cap, self.first * 2 ** min(failures - self.free - 1, 20))


# One guesser at one address: three typos are free, then 2 s, 4 s, 8 s ... up to 15 minutes.
PER_ADDRESS = Backoff(free=3, first=timedelta(seconds=2), cap=timedelta(minutes=15))
# Many addresses at one account: a botnet gets about one guess in five minutes, and the owner,
# from a browser new to the account, waits at most that long.
PER_ACCOUNT = Backoff(free=10, first=timedelta(seconds=2), cap=timedelta(minutes=5))
# A counter nobody added to for this long starts again from zero.
FORGET_AFTER = timedelta(hours=24)
