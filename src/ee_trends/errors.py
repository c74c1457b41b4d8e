"""The error type of the package, and the warnings about its data files.

Every message is one line that names the file (and the round and the field
when the problem lies in one round) and what to do, so a command can print
it as it is.
"""


class FeedError(ValueError):
    """A feed, a capture or one of its rounds cannot be read or fetched.

    The message names the file or URL, and the round (``drawNumber``) and the
    field when the problem lies in one round, so the bad record can be found
    in the feed.
    """


class UnreadableValueWarning(UserWarning):
    """A value of a capture that does not parse, replaced by an earlier capture's value.

    Raw captures stay as published; loading a folder of captures takes the
    newest earlier readable value and names the capture, the round and the
    field (see :mod:`ee_trends.merge`). ``fetch`` warns when a new capture
    has such values.
    """


class CacheWarning(UserWarning):
    """The processed cache was damaged or could not be written: rebuilt, never served."""


class CaptureWarning(UserWarning):
    """A file in a folder of captures that is not used (dated in the future), named."""


class StaleDataWarning(UserWarning):
    """An answer about a date more than three weeks after the newest round it knows of.

    Rounds held since the newest one are unknown (``ee-trends fetch`` brings
    them); forecasts and simulations start from the newest round.
    """
