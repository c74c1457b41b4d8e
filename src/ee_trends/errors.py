"""The one error type of the package."""


class FeedError(ValueError):
    """A feed, a capture or one of its rounds cannot be read.

    The message names the round (``drawNumber``) and the field when the
    problem lies in one round, so the bad record can be found in the feed.
    """
