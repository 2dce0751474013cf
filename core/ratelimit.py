"""Count attempts per key in the shared cache and refuse them past a limit within a window.

The public certificate check (per address), wrong activation codes (per address) and wrong
check-in codes (per account) are limited this way. The count lives in the cache every process
shares, so it holds across workers; the count ends when a whole window passes without an
attempt. Every attempt sets the count's expiry anew: the database cache's incr() would
otherwise put its own 300-second default on the key, shortening a 15-minute window to five. Each caller builds its RateLimit from settings when it needs one, so a
changed setting (or a test's settings fixture) takes effect at once.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` attempts per key in `window` seconds; keys share the `prefix`."""

    prefix: str
    limit: int
    window: int

    def _cache_key(self, key) -> str:
        return f"{self.prefix}:{key}"

    def hit(self, key) -> bool:
        """Count one attempt for key; return whether it goes beyond the limit."""
        cache_key = self._cache_key(key)
        # add starts the window for only one of two racing workers; the other counts on with incr.
        if cache.add(cache_key, 1, timeout=self.window):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # the window ended between add and incr
                cache.add(cache_key, 1, timeout=self.window)
                count = 1
            else:
                cache.touch(cache_key, timeout=self.window)
        return count > self.limit

    def is_limited(self, key) -> bool:
        """Return whether key has used up its attempts for the window."""
        return cache.get(self._cache_key(key), 0) >= self.limit

    def wait(self) -> str:
        """Return the window in words, in whole minutes rounded up: "15 minutes"."""
        minutes = max(1, -(-self.window // 60))
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
